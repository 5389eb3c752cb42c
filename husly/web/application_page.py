"""The application's page and the offer of a dwelling. Both show what was learnt when the
applicant's last tenancy ended (outcomes' resettlements), so they live in the interface
layer; their URLs stay in the `allocation` namespace (config/urls.py, ADR 0031)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from husly.access.decorators import page
from husly.access.policy import (
    may_complete_task,
    statement_consent_in_force,
    statement_missing_consent,
)
from husly.access.services import resident_read
from husly.allocation import forms, matching, rules, selectors, services
from husly.allocation.models import ApplicationState, DeclineReason
from husly.allocation.views import application_with_access
from husly.common.deadlines import deadline_state
from husly.common.models import Category
from husly.outcomes.selectors import resettlements_for

S = ApplicationState


@page("application")
def application_detail(request, pk: int):
    staff = request.staff
    application, access = application_with_access(request, pk)
    resident_read(staff=staff, resident=application.applicant, access=access,
                  view="application_detail")
    may_manage = staff.may_open("allocation_manage")
    statement_access = selectors.statement_read(staff=staff, application=application,
                                                access=access)
    missing_consent = statement_missing_consent(staff, application, access)
    consent_in_force = statement_consent_in_force(application)
    context = {"application": application, "access": access,
               "reads_housing": access.reads(Category.HOUSING),
               "statement_access": statement_access,
               "statement_missing_consent": missing_consent,
               "consent_in_force": consent_in_force,
               "consent_form": (forms.StatementConsentForm()
                                if may_manage and not consent_in_force
                                and access.reads(Category.HOUSING) else None),
               "may_manage": may_manage,
               "may_write_statement": staff.may_open("statement_write"),
               "S": S, "decline_reasons": DeclineReason.choices}
    statement = getattr(application, "statement", None)
    context["statement"] = statement
    if statement and not statement.given_on:
        context["statement_state"] = deadline_state(statement.due_on, done=False,
                                                    today=timezone.localdate())
    if access.reads(Category.HOUSING):
        assessments = {a.criterion_id: a.verdict for a in application.assessments.all()}
        context["assessment_form"] = forms.AssessmentForm(
            criteria=selectors.criteria(municipality=application.municipality),
            current=assessments)
        context["decision"] = getattr(application, "decision", None)
        context["offers"] = list(application.offers.select_related("dwelling"))
        if application.state == S.ACCEPTED:
            accepted = next((o for o in context["offers"]
                             if o.answer == o.Answer.ACCEPTED), None)
            context["allocate_form"] = forms.AllocateForm(
                business_days=selectors.settings_for(
                    application.municipality).meeting_business_days,
                accepted_on=accepted.answered_on if accepted else None)
        context["reply_due"] = rules.preliminary_reply_due(application)
        context["statement_required"] = rules.statement_required(application)
        context["resettlements"] = list(resettlements_for(resident=application.applicant))
    allocation = getattr(application, "allocation", None)
    if allocation is not None:
        tasks = list(allocation.tasks.select_related("unit", "assigned_to", "work_order"))
        for task in tasks:
            task.is_done = rules.task_is_done(task)
            task.deadline_state = deadline_state(task.due_on, done=task.is_done,
                                                 today=timezone.localdate())
            task.may_complete = may_complete_task(staff, task) and not task.work_order_id
        context.update({
            "allocation": allocation, "tasks": tasks,
            "meeting_state": deadline_state(allocation.meeting_deadline,
                                            done=allocation.meeting.held_on is not None,
                                            today=timezone.localdate()),
        })
    return render(request, "allocation/application_detail.html", context)


@page("allocation_manage")
def offer_make(request, pk: int):
    staff = request.staff
    application, _access = application_with_access(request, pk, "offer_make")
    dwellings = selectors.vacant_dwellings(municipality=staff.municipality)
    unplanned = matching.unplanned_ends_by_resident([application.applicant_id]).get(
        application.applicant_id, 0)
    ranked = []
    for dwelling in dwellings:
        fit = matching.dwelling_fit(application, dwelling, unplanned)
        if not fit.excluded:
            ranked.append((fit.score, dwelling.pk, dwelling, fit))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    ranked = ranked[:15]
    chosen = request.GET.get("bolig")
    form = forms.OfferForm(request.POST or None,
                           dwellings=dwellings.filter(pk__in=[r[1] for r in ranked]),
                           initial={"dwelling": chosen})
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_make(application=application, dwelling=form.cleaned_data["dwelling"],
                                answer_by=form.cleaned_data["answer_by"], by=staff.user)
        except ValidationError as exc:
            form.add_service_error(exc)
        else:
            messages.success(request, _("The dwelling is offered."))
            return redirect("allocation:application_detail", pk=pk)
    return render(request, "allocation/offer_form.html", {
        "resettlements": list(resettlements_for(resident=application.applicant)),
        "form": form, "application": application,
        "suggestions": [(d, fit) for _score, _pk, d, fit in ranked],
    })
