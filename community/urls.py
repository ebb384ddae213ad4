from django.urls import path

from caching.canonical import page_number, slug
from caching.pages import cache_for_anonymous as cached
from community import views

app_name = "community"
urlpatterns = [
    path(
        "",
        cached(views.ExperienceListView.as_view(), query={"page": page_number, "tag": slug}),
        name="list",
    ),
    path("new/", views.new_experience, name="new"),
    path("mine/", views.my_experiences, name="mine"),
    path("<int:pk>/", cached(views.ExperienceDetailView.as_view()), name="detail"),
    path("<int:pk>/edit/", views.edit_experience, name="edit"),
    path("<int:pk>/submitted/", views.submitted, name="submitted"),
    path("<int:pk>/report/", views.report_experience, name="report"),
]
