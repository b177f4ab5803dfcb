"""A hook for other apps to add to the option page without policies knowing them.

A provider is a callable (request, option) -> dict of template context; the option
page renders `option_panels`, the templates providers name, under the option's text.
"""

option_page_providers = []


def register_option_page_provider(provider):
    option_page_providers.append(provider)
    return provider
