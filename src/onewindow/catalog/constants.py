from django.db import models
from django.utils.translation import gettext_lazy as _


class DepartmentKind(models.TextChoices):
    DEPARTMENT = "department", _("区直部门")
    HALL = "hall", _("政务服务中心")
    TOWN = "town", _("镇（街道）便民服务中心")
    VILLAGE = "village", _("村（社区）服务站")


class ItemType(models.TextChoices):
    LICENSING = "licensing", _("行政许可")
    BENEFIT = "benefit", _("行政给付")
    LEVY = "levy", _("行政征收")
    CONFIRMATION = "confirmation", _("行政确认")
    REWARD = "reward", _("行政奖励")
    ADJUDICATION = "adjudication", _("行政裁决")
    FILING = "filing", _("行政备案")
    OTHER_POWER = "other_power", _("其他行政权力")
    PUBLIC_SERVICE = "public_service", _("公共服务")


class ResultDocument(models.TextChoices):
    """The official document a decision of the item produces (chosen per item; the refusal of any
    item is a 不予行政许可决定书)."""

    LICENCE = "licence", _("许可证（营业执照式）")
    APPROVAL_DECISION = "approval_decision", _("准予行政许可决定书")
    ACCEPTANCE_OPINION = "acceptance_opinion", _("验收意见书")
    FILING_RECEIPT = "filing_receipt", _("备案回执")
    CERTIFICATION = "certification", _("证明")


class WindowClass(models.TextChoices):
    SOCIAL = "social", _("社会服务类")
    ENTERPRISE = "enterprise", _("企业经营类")
    INVESTMENT = "investment", _("投资审批类")


class ItemStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被替代")


class Channel(models.TextChoices):
    WINDOW = "window", _("窗口办理")
    ONLINE = "online", _("网上办理")
    KIOSK = "kiosk", _("自助终端")
    VILLAGE = "village", _("村（社区）服务点")


class DeliveryMethod(models.TextChoices):
    WINDOW = "window", _("窗口领取")
    LOCKER = "locker", _("自助取件柜")
    MAIL = "mail", _("邮政寄递（EMS）")
    ELECTRONIC = "electronic", _("电子证照")


class SpecialProcedure(models.TextChoices):
    HEARING = "hearing", _("听证")
    TENDERING = "tendering", _("招标、拍卖")
    INSPECTION = "inspection", _("现场勘查（检验）")
    TESTING = "testing", _("检测")
    QUARANTINE = "quarantine", _("检疫")
    APPRAISAL = "appraisal", _("鉴定")
    EXPERT_REVIEW = "expert_review", _("专家评审")
    PUBLIC_NOTICE = "public_notice", _("公示")


class Requirement(models.TextChoices):
    REQUIRED = "required", _("必要")
    OPTIONAL = "optional", _("非必要")
    TOLERATED = "tolerated", _("容缺（可后补）")


class MaterialForm(models.TextChoices):
    ORIGINAL = "original", _("原件")
    COPY = "copy", _("复印件")
    ORIGINAL_AND_COPY = "original_and_copy", _("原件和复印件")
    ELECTRONIC = "electronic", _("电子材料")


class ELicenceType(models.TextChoices):
    """E-licences (电子证照) that the data-sharing layer can supply instead of a paper material."""

    RESIDENT_ID = "resident_id", _("居民身份证")
    HOUSEHOLD_REGISTER = "household_register", _("居民户口簿")
    BUSINESS_LICENCE = "business_licence", _("营业执照")
    MARRIAGE_CERTIFICATE = "marriage_certificate", _("结婚证")
    REAL_ESTATE_CERTIFICATE = "real_estate_certificate", _("不动产权证书")
    LAND_USE_PLANNING_PERMIT = "land_use_planning_permit", _("建设用地规划许可证")
    CONSTRUCTION_PLANNING_PERMIT = "construction_planning_permit", _("建设工程规划许可证")
    CONSTRUCTION_PERMIT = "construction_permit", _("建筑工程施工许可证")
    FOOD_BUSINESS_LICENCE = "food_business_licence", _("食品经营许可证")
    SOCIAL_SECURITY_CARD = "social_security_card", _("社会保障卡")
    DRIVING_LICENCE = "driving_licence", _("机动车驾驶证")
    DISABILITY_CERTIFICATE = "disability_certificate", _("残疾人证")


class ConstructionStage(models.TextChoices):
    """The four stages of construction-project approval (工程建设项目审批四个阶段)."""

    LAND_AND_PLANNING = "land_and_planning", _("立项用地规划许可")
    ENGINEERING_PERMIT = "engineering_permit", _("工程建设许可")
    CONSTRUCTION_PERMIT = "construction_permit", _("施工许可")
    COMPLETION_ACCEPTANCE = "completion_acceptance", _("竣工验收")


# Art. 42: a single department decides within 20 working days; Art. 26: joint processing at most 45.
DEFAULT_LEGAL_LIMIT_DAYS = 20
JOINT_LEGAL_LIMIT_DAYS = 45
MAX_LIMIT_DAYS = 365
