"""The allocation's rules in time and order: pure functions of an application or a task,
used by the services (to refuse) and the selectors and pages (to show)."""

import datetime

from django.utils import timezone

from husly.allocation.models import Application, ApplicationState, MoveInTask
from husly.common.businessdays import add_months

S = ApplicationState


def statement_required(application: Application) -> bool:
    """The follow-up unit speaks before a decision when it follows the applicant (P3)."""
    return application.housing_first or application.applicant.team_id is not None


UNDECIDED = (S.RECEIVED, S.STATEMENT_REQUESTED, S.STATEMENT_GIVEN)
# The preliminary reply letter promises a decision within four weeks of the reply.
DECISION_PROMISED_WEEKS = 4


def preliminary_reply_due_on(registered_on: datetime.date) -> datetime.date:
    """A month after registration: undecided by then, forvaltningsloven § 11a asks for a
    preliminary reply."""
    return add_months(registered_on, 1)


def decision_promised_by(preliminary_reply_on: datetime.date) -> datetime.date:
    """The date the preliminary reply letter promises the decision by."""
    return preliminary_reply_on + datetime.timedelta(weeks=DECISION_PROMISED_WEEKS)


def preliminary_reply_due(application: Application, today=None) -> bool:
    """Undecided a month after registration: forvaltningsloven § 11a asks for a reply."""
    today = today or timezone.localdate()
    undecided = application.state in UNDECIDED
    return (undecided and application.preliminary_reply_on is None
            and today >= preliminary_reply_due_on(application.registered_on))



def task_is_done(task: MoveInTask) -> bool:
    return task.done_on is not None or (
        task.work_order_id is not None and task.work_order.done_on is not None)
