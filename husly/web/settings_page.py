"""The municipality's rules for allocation and follow-up on one page: lease lengths,
deadlines, criteria, move-in tasks, and the follow-up unit's deadlines. It saves through the
allocation and follow-up services, so it lives in the interface layer; its URL stays in the
`allocation` namespace (config/urls.py, ADR 0031)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from husly.access.decorators import page
from husly.allocation import forms, selectors, services
from husly.followup import selectors as followup_selectors
from husly.followup import services as followup_services
from husly.followup.forms import FollowUpSettingsForm


@page("allocation_settings")
def settings_page(request):
    staff = request.staff
    municipality = staff.municipality
    current = selectors.settings_for(municipality)
    settings_form = forms.SettingsForm(
        request.POST if request.POST.get("form") == "settings" else None,
        initial={"lease_lengths": ", ".join(str(m) for m in current.lease_lengths_months),
                 "statement_due_days": current.statement_due_days,
                 "meeting_business_days": current.meeting_business_days,
                 "offer_answer_days": current.offer_answer_days,
                 "appeal_body": current.appeal_body, "contact": current.contact})
    criterion_form = forms.CriterionForm(
        request.POST if request.POST.get("form") == "criterion" else None)
    template_form = forms.TaskTemplateForm(
        request.POST if request.POST.get("form") == "template" else None)
    followup_current = followup_selectors.settings_for(municipality)
    followup_form = FollowUpSettingsForm(
        request.POST if request.POST.get("form") == "followup" else None,
        initial={"coordination_business_days": followup_current.coordination_business_days,
                 "weeks_planned_ahead": followup_current.weeks_planned_ahead})
    if request.method == "POST":
        done = False
        if settings_form.is_bound and settings_form.is_valid():
            data = dict(settings_form.cleaned_data)
            data["lease_lengths_months"] = data.pop("lease_lengths")
            services.allocation_settings_save(municipality=municipality, by=staff.user, **data)
            done = True
        elif followup_form.is_bound and followup_form.is_valid():
            followup_services.followup_settings_save(municipality=municipality, by=staff.user,
                                                     **followup_form.cleaned_data)
            done = True
        elif criterion_form.is_bound and criterion_form.is_valid():
            services.criterion_create(municipality=municipality, by=staff.user,
                                      text=criterion_form.cleaned_data["text"],
                                      order=selectors.criteria(municipality=municipality).count())
            done = True
        elif template_form.is_bound and template_form.is_valid():
            services.task_template_create(
                municipality=municipality, by=staff.user, **template_form.cleaned_data,
                order=selectors.task_templates(municipality=municipality).count())
            done = True
        elif request.POST.get("form") == "retire":
            criterion = get_object_or_404(selectors.all_criteria(municipality=municipality),
                                          pk=request.POST.get("criterion"))
            services.criterion_set_active(criterion=criterion, active=not criterion.active,
                                          by=staff.user)
            done = True
        elif request.POST.get("form") == "remove_template":
            template = get_object_or_404(selectors.task_templates(municipality=municipality),
                                         pk=request.POST.get("template"))
            services.task_template_remove(template=template, by=staff.user)
            done = True
        if done:
            messages.success(request, _("Saved."))
            return redirect("allocation:settings")
    return render(request, "allocation/settings.html", {
        "settings_form": settings_form, "criterion_form": criterion_form,
        "template_form": template_form, "followup_form": followup_form,
        "criteria": selectors.all_criteria(municipality=municipality),
        "templates": selectors.task_templates(municipality=municipality),
    })
