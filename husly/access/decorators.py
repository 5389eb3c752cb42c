"""Guards for views: each view names the page kind it is; `policy.PAGE_ROLES` decides."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied

from husly.access.policy import PAGE_ROLES


def page(kind: str):
    """Mark a view as a page of `kind` and refuse users whose roles do not open it."""
    if kind not in PAGE_ROLES:
        raise ValueError(f"unknown page kind {kind!r}")

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if PAGE_ROLES[kind] is not None:
                if not request.user.is_authenticated:
                    return redirect_to_login(request.get_full_path())
                if not request.staff.may_open(kind):
                    raise PermissionDenied
            return view(request, *args, **kwargs)

        wrapper.husly_page = kind
        return wrapper

    return decorator
