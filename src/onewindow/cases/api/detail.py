"""Reading a case: the detail each signed-in role gets of the cases it may see."""

from ninja import Router

from onewindow.cases import queries
from onewindow.cases.api.common import SIGNED_IN, _errors, _user
from onewindow.cases.errors import not_found
from onewindow.cases.models import Case
from onewindow.cases.serializers import CaseOut, case_for_output

router = Router()


@router.get(
    "/{int:case_id}",
    response={200: CaseOut, **_errors(*SIGNED_IN)},
    summary="查看办件",
    description=(
        "办件详情：申请人、材料、各环节和部门任务（含内部意见）、暂停和延期。审批人员只能看到本部门参与"
        "或牵头的办件；看不到的办件与不存在的一样返回 404。"
    ),
)
def get_case(request, case_id: int):
    try:
        return case_for_output(case_id, cases=queries.cases_visible_to(_user(request)))
    except Case.DoesNotExist:
        raise not_found() from None
