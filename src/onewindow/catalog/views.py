"""The public service guide (办事指南): search with filters, and one page per published item."""

from django import forms
from django.http import Http404
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _

from onewindow.catalog.constants import (
    Channel,
    ConstructionStage,
    DeliveryMethod,
    ItemType,
    SpecialProcedure,
    WindowClass,
)
from onewindow.catalog.models import ServiceItem
from onewindow.catalog.queries import (
    InvalidCursor,
    choice_labels,
    guide_departments,
    keyset_page,
    published_item,
    search_items,
)


def _with_blank(label, choices):
    return [("", label), *choices]


class GuideSearchForm(forms.Form):
    """The guide's GET form. Invalid values are dropped, not reported: it is a search box."""

    q = forms.CharField(required=False, max_length=100, label=_("搜索事项"))
    type = forms.ChoiceField(
        required=False, label=_("事项类型"), choices=_with_blank(_("全部类型"), ItemType.choices)
    )
    window_class = forms.ChoiceField(
        required=False,
        label=_("窗口类别"),
        choices=_with_blank(_("全部窗口"), WindowClass.choices),
    )
    department = forms.ChoiceField(required=False, label=_("实施部门"))
    construction_stage = forms.ChoiceField(
        required=False,
        label=_("建设审批阶段"),
        choices=_with_blank(_("全部阶段"), ConstructionStage.choices),
    )
    online = forms.BooleanField(required=False, label=_("只看可全程网办"))
    cursor = forms.CharField(required=False, max_length=400)

    def __init__(self, *args, departments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _with_blank(
            _("全部部门"), [(d.code, d.name) for d in departments]
        )
        self.is_valid()

    def search_filters(self):
        data = self.cleaned_data
        return {
            "q": data.get("q") or None,
            "item_type": data.get("type") or None,
            "window_class": data.get("window_class") or None,
            "department": data.get("department") or None,
            # An unticked box means "any", not "only items that cannot be done online".
            "online": True if data.get("online") else None,
            "construction_stage": data.get("construction_stage") or None,
        }

    def query_without_cursor(self):
        query = self.data.copy()
        query.pop("cursor", None)
        return query.urlencode()


def guide(request):
    form = GuideSearchForm(request.GET, departments=guide_departments())
    filters = form.search_filters()
    items = search_items(**filters)
    try:
        page = keyset_page(items, cursor=form.cleaned_data.get("cursor"))
    except InvalidCursor:
        # A stale or edited "more" link: start from the top rather than fail a citizen.
        page = keyset_page(items)
    context = {
        "form": form,
        "page": page,
        "query": form.query_without_cursor(),
        "searched": any(value is not None for value in filters.values()),
        "q": filters["q"] or "",
    }
    template = "catalog/guide.html"
    # htmx asks for fragments; a history restore needs the whole page back.
    headers = request.headers
    if headers.get("HX-Request") and not headers.get("HX-History-Restore-Request"):
        more = bool(request.GET.get("cursor"))
        template = "catalog/_item_cards.html" if more else "catalog/_results.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def item_detail(request, code):
    try:
        item = published_item(code)
    except ServiceItem.DoesNotExist:
        raise Http404(_("事项不存在或尚未发布。")) from None
    context = {
        "item": item,
        "channels": choice_labels(Channel, item.channels),
        "delivery_methods": choice_labels(DeliveryMethod, item.delivery_methods),
        "special_procedures": choice_labels(SpecialProcedure, item.special_procedures),
    }
    return render(request, "catalog/item.html", context)
