from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = "Deliberation"

    def ready(self):
        from policies import extensions

        from . import (
            annotation_views,
            audit,  # noqa: F401  (records group changes made in the user admin)
            freshness,
            invitations,
            option_views,
            views,
        )
        from .api import tokens

        extensions.register_option_page_provider(option_views.option_page_context)
        extensions.register_option_page_provider(views.option_page_context)
        extensions.register_option_list_decorator(views.decorate_option_list)
        extensions.register_option_card_template("deliberation/includes/option_card_tally.html")
        extensions.register_home_page_provider(views.home_page_context)
        annotation_views.register_annotation_extensions()
        invitations.connect_signals()
        tokens.connect_signals()
        freshness.connect_signals()
        extensions.register_fragment_cache(freshness.panel_for_anonymous)
