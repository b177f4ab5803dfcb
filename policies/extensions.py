"""Hooks through which other apps add to the catalogue without policies knowing them.

The catalogue never imports deliberation; deliberation registers these in its
AppConfig.ready():

- option page providers: (request, option) -> dict of template context. The option
  page includes every template listed in the context's ``option_panels`` under the
  text, and those in ``option_side_panels`` in the column beside it.
- option list decorators: (queryset, request) -> queryset, applied by the home page
  and the option list (tallies, counts, the reader's own vote), so lists stay one query.
- option card templates: included in every option card of the lists, with ``option``.
- home page providers: (request) -> dict of context; templates in ``home_panels``.
- text change handlers: (option, old_texts) called inside the transaction that
  changes an option's text, old_texts mapping each rendered field to its old plain text.
- fragment caches: (request, name, render) -> an object that `{% include %}` places
  (it has render(context)); it may answer from a cache instead of calling render().
  Without one, fragments are rendered on every request.
"""

option_page_providers = []
option_list_decorators = []
option_card_templates = []
home_page_providers = []
text_change_handlers = []
fragment_caches = []


def _register(registry):
    def register(item):
        if item not in registry:
            registry.append(item)
        return item

    return register


register_option_page_provider = _register(option_page_providers)
register_option_list_decorator = _register(option_list_decorators)
register_option_card_template = _register(option_card_templates)
register_home_page_provider = _register(home_page_providers)
register_text_change_handler = _register(text_change_handlers)
register_fragment_cache = _register(fragment_caches)


def collect_context(providers, *args) -> dict:
    """Merge the providers' context; list values under the same key are concatenated."""
    context: dict = {}
    for provider in providers:
        for key, value in provider(*args).items():
            if isinstance(value, list) and isinstance(context.get(key), list):
                context[key] = context[key] + value
            else:
                context[key] = value
    return context


def decorate_option_list(queryset, request):
    for decorator in option_list_decorators:
        queryset = decorator(queryset, request)
    return queryset


class _Rendered:
    def __init__(self, html):
        self.html = html

    def render(self, context=None):
        return self.html


def page_fragment(request, name, render):
    """A fragment of a page, rendered by render(); a registered fragment cache may keep it."""
    if fragment_caches:
        return fragment_caches[-1](request, name, render)
    return _Rendered(render())
