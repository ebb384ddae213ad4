from django.urls import path

from accounts import two_factor, views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("email/confirm/", views.send_confirmation, name="send-confirmation"),
    path("email/confirm/<str:token>/", views.confirm, name="confirm"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        views.PasswordResetSentView.as_view(),
        name="password_reset_sent",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("delete/", views.delete, name="delete"),
    path("export/", views.download, name="export"),
    path("two-factor/", two_factor.enrol, name="two-factor"),
]
