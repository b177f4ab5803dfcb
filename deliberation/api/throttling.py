"""Rate limits that read settings.REST_FRAMEWORK when each request is checked, so a
change of settings (or a test's override) applies without a restart."""

from rest_framework import throttling
from rest_framework.settings import api_settings


class _LiveRatesMixin:
    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)


class AnonRateThrottle(_LiveRatesMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(_LiveRatesMixin, throttling.UserRateThrottle):
    pass
