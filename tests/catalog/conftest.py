import copy

import pytest

SMALL_CATALOGUE = {
    "format": "onewindow-catalogue/1",
    "departments": [
        {"code": "ZWFWZX", "name": "惠阳区政务服务中心", "kind": "hall", "parent": None},
        {
            "code": "SCJGJ",
            "name": "惠州市惠阳区市场监督管理局",
            "short_name": "市场监管局",
            "kind": "department",
            "parent": None,
        },
        {"code": "XFJYDD", "name": "惠阳区消防救援大队", "kind": "department", "parent": None},
        {"code": "LJZ", "name": "良井镇便民服务中心", "kind": "town", "parent": "ZWFWZX"},
        {"code": "LJZ-XJC", "name": "霞角村党群服务中心", "kind": "village", "parent": "LJZ"},
    ],
    "items": [
        {
            "code": "441303-SCJG-001",
            "name": "个体工商户营业执照核发",
            "type": "licensing",
            "window_class": "enterprise",
            "lead_department": "SCJGJ",
            "legal_limit_days": 15,
            "promised_limit_days": 0,
            "on_the_spot": True,
            "max_visits": 0,
            "channels": ["window", "online", "village"],
            "fully_online": True,
            "delivery_methods": ["window", "mail", "electronic"],
            "keywords": ["营业执照", "个体户"],
            "materials": [
                {
                    "name": "个体工商户登记（备案）申请书",
                    "requirement": "required",
                    "form": "original",
                },
                {
                    "name": "经营者身份证明",
                    "requirement": "required",
                    "form": "copy",
                    "e_licence": "resident_id",
                },
            ],
            "stages": [{"name": "审核发照", "steps": [{"department": "SCJGJ", "limit_days": 0}]}],
        },
        {
            "code": "441303-SCJG-002",
            "name": "公众聚集场所投入使用、营业前消防安全检查",
            "type": "licensing",
            "window_class": "enterprise",
            "lead_department": "XFJYDD",
            "legal_limit_days": 20,
            "promised_limit_days": 10,
            "max_visits": 1,
            "channels": ["window", "online"],
            "delivery_methods": ["window", "locker"],
            "special_procedures": ["inspection"],
            "materials": [
                {
                    "name": "公众聚集场所投入使用、营业前消防安全检查申请表",
                    "requirement": "required",
                    "form": "original",
                },
                {
                    "name": "营业执照",
                    "requirement": "tolerated",
                    "form": "copy",
                    "e_licence": "business_licence",
                },
            ],
            "stages": [
                {
                    "name": "并联审查",
                    "steps": [
                        {"department": "XFJYDD", "limit_days": 5, "task": "现场检查"},
                        {"department": "SCJGJ", "limit_days": 3},
                    ],
                },
                {"name": "决定", "steps": [{"department": "XFJYDD", "limit_days": 2}]},
            ],
        },
    ],
}


@pytest.fixture
def small_catalogue():
    """A valid two-item catalogue (one 即办件, one joint item with a 容缺 material); a fresh copy."""
    return copy.deepcopy(SMALL_CATALOGUE)
