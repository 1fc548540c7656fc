from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from accounts.forms import (
    LoginForm,
    NewPasswordForm,
    PasswordLinkForm,
    ProfileForm,
    SignUpForm,
)
from accounts.permissions import doctor_required, is_admin, is_reviewer
from accounts.services import doctor_register, doctor_update_profile


def _set_language_cookie(response, language: str):
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@require_http_methods(["GET", "POST"])
def signup(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            doctor = doctor_register(
                email=data["email"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                riziv=data["riziv"],
                language=data["language"],
            )
        except ValidationError as error:
            # Another sign-up took the address or the number since the form was checked.
            form.add_error(None, error)
        else:
            login(request, doctor.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return _set_language_cookie(redirect("home"), doctor.user.language)
    return render(request, "registration/signup.html", {"form": form})


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        # The doctor's saved language wins after login, whatever the browser says.
        return _set_language_cookie(response, form.get_user().language)

    def get_default_redirect_url(self):
        # Without a ?next=, each role lands where its work is: the legal team on the review
        # list, the administrator on the calendar import, doctors on their dashboard.
        user = self.request.user
        if is_admin(user):  # a superuser counts as a reviewer too: test it first
            return reverse("outages:import_upload")
        if is_reviewer(user):
            return reverse("review:list")
        return super().get_default_redirect_url()


@doctor_required
@require_http_methods(["GET", "POST"])
def profile(request):
    doctor = request.user.doctor
    user = doctor.user
    form = ProfileForm(
        request.POST or None,
        initial={
            "first_name": user.first_name,
            "last_name": user.last_name,
            "language": user.language,
        },
    )
    if request.method == "POST" and form.is_valid():
        doctor_update_profile(doctor=doctor, **form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        return _set_language_cookie(redirect("profile"), user.language)
    return render(request, "registration/profile.html", {"form": form, "doctor": doctor})


class PasswordResetView(auth_views.PasswordResetView):
    form_class = PasswordLinkForm


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = NewPasswordForm
