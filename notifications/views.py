from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from accounts.permissions import is_reviewer
from notifications.forms import PreferenceForm, SubscribeForm
from notifications.models import Notice, NotificationPreference
from notifications.notices import notices_mark_read
from notifications.public import (
    subscription_cancel,
    subscription_confirm,
    subscription_confirm_read,
    subscription_from_unsubscribe_token,
    subscription_request,
    unsubscribe_token_valid,
)

NOTICES_SHOWN = 50


@login_required
def notices(request):
    """The latest notices; opening the page reads them (the badge goes back to zero)."""
    shown = list(Notice.objects.filter(user=request.user)[:NOTICES_SHOWN])
    notices_mark_read(user=request.user)
    return render(request, "notifications/notices.html", {"notices": shown})


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    preference, _created = NotificationPreference.objects.get_or_create(user=request.user)
    form = PreferenceForm(
        request.POST or None, instance=preference, reviewer=is_reviewer(request.user)
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Your choices are saved."))
        return redirect("notifications:settings")
    return render(request, "notifications/settings.html", {"form": form})


@require_http_methods(["GET", "POST"])
def subscribe(request):
    form = SubscribeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        subscription_request(
            email=form.cleaned_data["email"],
            services=list(form.cleaned_data["services"]),
            language=get_language(),
        )
        # The same answer whether the address is known or not: the form tells nobody
        # who subscribes.
        return render(request, "notifications/subscribe_sent.html")
    return render(request, "notifications/subscribe.html", {"form": form})


@require_http_methods(["GET", "POST"])
def confirm(request, token):
    found = subscription_confirm_read(token)
    if found is None:
        return render(request, "notifications/link_invalid.html", status=404)
    subscriber, services = found
    if request.method == "POST":
        subscription_confirm(subscriber=subscriber, services=services, language=get_language())
        context = {"subscriber": subscriber, "services": services}
        return render(request, "notifications/confirmed.html", context)
    # A GET only shows the button: mail scanners that open links confirm nothing.
    return render(
        request, "notifications/confirm.html", {"subscriber": subscriber, "services": services}
    )


# Exempt from CSRF: a mail program's one-click unsubscribe (RFC 8058) POSTs here without a
# session; the signed token is what authorises it.
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    subscriber = subscription_from_unsubscribe_token(token)
    if request.method == "POST":
        if subscriber is not None:
            subscription_cancel(subscriber=subscriber)
        elif not unsubscribe_token_valid(token):
            raise Http404
        return render(request, "notifications/unsubscribed.html")
    if subscriber is None:
        return render(request, "notifications/link_invalid.html", status=404)
    return render(request, "notifications/unsubscribe.html", {"subscriber": subscriber})
