"""Factories for the catalogue and staff personas (clerk, reviewer_market, reviewer_fire, head,
supervisor, catalog_admin, agent)."""

import factory
from django.utils import timezone

from onewindow.accounts.constants import Role
from onewindow.accounts.models import User
from onewindow.catalog.constants import ItemStatus, ItemType, WindowClass
from onewindow.catalog.models import Department, FlowStage, FlowStep, Material, ServiceItem
from onewindow.catalog.search import pinyin_keys


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"DEPT{n:03d}")
    name = factory.Sequence(lambda n: f"测试部门{n}")


# Every user the factory makes signs in with this password.
PASSWORD = "onewindow-test"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"工作人员{n}")
    password = factory.django.Password(PASSWORD)
    role = Role.CLERK


class ServiceItemFactory(factory.django.DjangoModelFactory):
    """A published single-department item with one stage; `steps` adds parallel departments."""

    class Meta:
        model = ServiceItem
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"441303-TEST-{n:03d}")
    name = factory.Sequence(lambda n: f"测试事项{n}")
    item_type = ItemType.LICENSING
    # Decided with one click unless a test asks for the head's signature (签发): the catalogue
    # file and the admin turn it on for licensing items, the tests of signing do it themselves.
    needs_signature = False
    window_class = WindowClass.SOCIAL
    lead_department = factory.SubFactory(DepartmentFactory)
    legal_limit_days = 20
    promised_limit_days = 10
    channels = factory.LazyFunction(lambda: ["window", "online"])
    delivery_methods = factory.LazyFunction(lambda: ["window", "mail"])
    status = ItemStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    search_pinyin = factory.LazyAttribute(lambda o: pinyin_keys(o.name, o.keywords))
    keywords = ""

    class Params:
        draft = factory.Trait(status=ItemStatus.DRAFT, published_at=None)

    @factory.post_generation
    def flow(self, create, extracted, **kwargs):
        """flow=[[(dept, days), ...], ...]: stages of parallel steps; default one lead step."""
        if not create:
            return
        stages = extracted if extracted is not None else [[(self.lead_department, 5)]]
        for position, steps in enumerate(stages):
            stage = FlowStage.objects.create(
                item=self, position=position, name=f"环节{position + 1}"
            )
            for department, days in steps:
                FlowStep.objects.create(stage=stage, department=department, limit_days=days)

    @factory.post_generation
    def material_names(self, create, extracted, **kwargs):
        if not create:
            return
        for position, name in enumerate(extracted or ["申请书", "居民身份证"]):
            Material.objects.create(item=self, position=position, name=name)
