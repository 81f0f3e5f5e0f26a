"""The applicant's choice of delivery (送达方式): within what the item allows, until the result has
left, and a mail address checked field by field — each refusal with its status, code and
message, and nothing written."""

import pytest

from onewindow.cases.constants import CaseState
from onewindow.cases.errors import CaseActionError
from onewindow.core.models import AuditEntry
from onewindow.delivery.actions.choice import do_choose_delivery
from onewindow.delivery.constants import DeliveryState
from onewindow.delivery.models import Delivery, MailAddress
from tests.delivery.mail.conftest import ADDRESS

pytestmark = pytest.mark.django_db


def choose(case, clerk, method="mail", **changes):
    address = {**ADDRESS, **changes}
    return do_choose_delivery(case, method=method, address=address, acting_user=clerk)


def refused(case, clerk, method="mail", **changes):
    with pytest.raises(CaseActionError) as caught:
        choose(case, clerk, method, **changes)
    return caught.value


def nothing_written(case):
    assert not Delivery.objects.filter(case=case).exists()
    assert not MailAddress.objects.exists()
    assert not AuditEntry.objects.filter(action="choose_delivery").exists()


def test_choosing_mail_records_the_checked_address_and_an_audit_row(accepted_case, clerk):
    delivery = choose(accepted_case, clerk, province="广东", city="惠州", district="惠阳")

    delivery.refresh_from_db()
    assert delivery.method == "mail" and delivery.state == DeliveryState.WAITING
    address = delivery.mail_address
    # Short names are completed to the official ones.
    assert (address.province, address.city, address.district) == ("广东省", "惠州市", "惠阳区")
    assert address.recipient_name == "李明" and address.phone == "13800138000"
    assert address.postcode == "516211"
    entry = AuditEntry.objects.get(action="choose_delivery")
    assert entry.actor == clerk and entry.details["method"] == "mail"
    assert entry.details["destination"] == "广东省惠州市惠阳区"
    assert "13800138000" not in str(entry.details)  # no phone number in the audit trail


def test_changing_back_to_the_window_drops_the_address(accepted_case, clerk):
    choose(accepted_case, clerk)
    delivery = do_choose_delivery(accepted_case, method="window", acting_user=clerk)

    assert delivery.method == "window"
    assert not MailAddress.objects.exists()
    assert Delivery.objects.filter(case=accepted_case).count() == 1
    assert AuditEntry.objects.filter(action="choose_delivery").count() == 2


def test_a_method_the_item_does_not_allow_is_refused(accept, window_only_item, clerk):
    case = accept(window_only_item)

    error = refused(case, clerk, "mail")

    assert (error.status, error.code) == (422, "delivery_method_not_allowed")
    assert error.message == "该事项不支持此送达方式"
    nothing_written(case)


def test_an_unknown_method_is_refused_the_same_way(accepted_case, clerk):
    error = refused(accepted_case, clerk, "drone")

    assert (error.status, error.code) == (422, "delivery_method_not_allowed")
    nothing_written(accepted_case)


@pytest.mark.parametrize(
    ("field", "message"),
    [
        ("recipient_name", "须填写收件人姓名"),
        ("phone", "须填写收件人手机号码"),
        ("province", "须填写省（自治区、直辖市）"),
        ("city", "须填写市（地区、州、盟）"),
        ("district", "须填写区（县）"),
        ("street", "须填写详细地址（街道、门牌号）"),
    ],
)
def test_each_missing_address_field_is_named(accepted_case, clerk, field, message):
    error = refused(accepted_case, clerk, **{field: "  "})

    assert (error.status, error.code, error.message) == (422, "invalid_input", message)
    assert error.detail == [{"type": "invalid", "loc": [field], "msg": message}]
    nothing_written(accepted_case)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"phone": "1380013800"},
            "phone",
            "手机号码应为以 13–19 开头的 11 位数字",
        ),
        (
            {"phone": "12800138000"},
            "phone",
            "手机号码应为以 13–19 开头的 11 位数字",
        ),
        ({"postcode": "51621"}, "postcode", "邮政编码应为 6 位数字"),
        (
            {"province": "广中省"},
            "province",
            "没有“广中省”这个省级行政区",
        ),
        ({"city": "广东市"}, "city", "广东省没有“广东市”"),
        (
            {"district": "罗湖区"},
            "district",
            "惠州市没有“罗湖区”",
        ),
        (
            {"province": "湖南省", "city": "长沙", "district": "岳麓区"},
            "city",
            "“长沙”不像地级行政区名称（应以市、州、盟或地区结尾）",
        ),
        (
            {"province": "湖南省", "city": "长沙市", "district": "岳麓山"},
            "district",
            "“岳麓山”不像长沙市下辖的区县名称（应以区、县、市、旗结尾）",
        ),
        (
            {"province": "北京市", "city": "朝阳市", "district": "朝阳区"},
            "city",
            "北京市是直辖市，城市一栏应填写“北京市”",
        ),
        (
            {"street": "路" * 201},
            "street",
            "详细地址不能超过 200 个字",
        ),
    ],
)
def test_an_invalid_address_field_is_refused_precisely(
    accepted_case, clerk, changes, field, message
):
    error = refused(accepted_case, clerk, **changes)

    assert (error.status, error.code, error.message) == (422, "invalid_input", message)
    assert [line["loc"] for line in error.detail] == [[field]]
    nothing_written(accepted_case)


def test_every_bad_field_is_reported_at_once(accepted_case, clerk):
    error = refused(accepted_case, clerk, recipient_name="", phone="123", postcode="x")

    assert [line["loc"][0] for line in error.detail] == ["recipient_name", "phone", "postcode"]
    nothing_written(accepted_case)


@pytest.mark.parametrize(
    ("province", "city", "district"),
    [
        ("广东省", "深圳市", "南山区"),
        ("广东省", "东莞市", "松山湖街道"),  # Dongguan has towns right below the city
        ("四川省", "阿坝藏族羌族自治州", "汶川县"),
        ("内蒙古", "锡林郭勒盟", "锡林浩特市"),
        ("新疆", "阿克苏地区", "库车市"),
        ("上海", "上海市", "浦东新区"),
        ("香港特别行政区", "香港", "中西区"),
    ],
)
def test_plausible_addresses_across_the_country_are_accepted(
    accepted_case, clerk, province, city, district
):
    delivery = choose(accepted_case, clerk, province=province, city=city, district=district)

    assert delivery.mail_address.district == district


def test_the_choice_waits_for_acceptance(accept, mail_item, clerk, citizen):
    from onewindow.cases.actions import do_receive_intake
    from tests.cases.conftest import all_received

    intake = do_receive_intake(
        item=mail_item, applicant=citizen, materials=all_received(mail_item), acting_user=clerk
    )

    error = refused(intake, clerk)

    assert (error.status, error.code) == (409, "wrong_state")
    nothing_written(intake)


@pytest.mark.parametrize(
    ("state", "label"), [(DeliveryState.SHIPPED, "已寄出"), (DeliveryState.IN_LOCKER, "已入柜")]
)
def test_the_choice_is_closed_once_the_result_has_left(accepted_case, clerk, state, label):
    Delivery.objects.create(case=accepted_case, method="locker", state=state)

    error = refused(accepted_case, clerk)

    assert (error.status, error.code) == (409, "delivery_under_way")
    assert error.message == (f"结果{label}，不能再更改送达方式")
    delivery = Delivery.objects.get(case=accepted_case)
    assert delivery.method == "locker" and not MailAddress.objects.exists()


def test_only_window_clerks_record_the_choice(accepted_case, reviewer_market):
    error = refused(accepted_case, reviewer_market)

    assert (error.status, error.code) == (403, "forbidden")
    nothing_written(accepted_case)


def test_a_decided_case_may_still_choose(accepted_case, clerk, decide):
    case = decide(accepted_case)
    assert case.state == CaseState.DECIDED

    delivery = choose(case, clerk)

    assert delivery.method == "mail"
