"""View helpers every app uses, and the error pages. They import no app: the kernel."""

from django.shortcuts import render


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # No request context: the error page must render even when the database is down.
    from django.http import HttpResponseServerError
    from django.template import loader

    return HttpResponseServerError(loader.get_template("500.html").render())


def service_call(request, action, success: str) -> bool:
    """Run a service from a button: its refusal becomes an error message (nothing is saved),
    otherwise `success` is shown."""
    from django.contrib import messages
    from django.core.exceptions import ValidationError

    try:
        action()
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return False
    messages.success(request, success)
    return True
