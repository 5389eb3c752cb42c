"""What an error report may show: never what staff typed, nor the session cookie."""

from django.views.debug import SafeExceptionReporterFilter


class HideRequestDataFilter(SafeExceptionReporterFilter):
    """POST values and cookie values are always hidden (their names stay, to help debugging);
    local variables are hidden too unless DEBUG is on (a developer's machine, synthetic data).
    Set as DEFAULT_EXCEPTION_REPORTER_FILTER; see ADR 0014."""

    def _cleansed(self, multivaluedict):
        cleansed = multivaluedict.copy()
        for key in cleansed:
            cleansed[key] = self.cleansed_substitute
        return cleansed

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return self._cleansed(request.POST)

    def get_cleansed_multivaluedict(self, request, multivaluedict):
        return self._cleansed(multivaluedict)

    def get_safe_cookies(self, request):
        return {key: self.cleansed_substitute for key in getattr(request, "COOKIES", {})}

    def get_traceback_frame_variables(self, request, tb_frame):
        if self.is_active(request):
            return [(name, self.cleansed_substitute) for name in tb_frame.f_locals]
        return super().get_traceback_frame_variables(request, tb_frame)
