from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views
from .errors import api_not_found


class Router(DefaultRouter):
    APIRootView = views.ApiRootView


router = Router()
router.register("options", views.OptionViewSet, basename="option")
router.register("strategies", views.StrategyViewSet, basename="strategy")
router.register("initiatives", views.InitiativeViewSet, basename="initiative")
router.register("sanction-types", views.SanctionTypeViewSet, basename="sanction-type")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("sectors", views.SectorViewSet, basename="sector")
router.register("implications", views.ImplicationViewSet, basename="implication")
router.register("briefs", views.BriefViewSet, basename="brief")
router.register("comments", views.CommentViewSet, basename="comment")
router.register("votes", views.VoteViewSet, basename="vote")
router.register("annotations", views.AnnotationViewSet, basename="annotation")
router.register("flags", views.FlagViewSet, basename="flag")
router.register("endorsements", views.EndorsementViewSet, basename="endorsement")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", views.DocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("", include(router.urls)),
    # Anything else under /api/ is a JSON 404, not the site's HTML page.
    re_path(r"^.*/$", api_not_found),
]
