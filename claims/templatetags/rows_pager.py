"""``{% rows_page_url "consultations" 3 %}``: the current URL's query with one table's page
changed (the claim page has several paginated tables, each with its own parameter, and
Django's ``{% querystring %}`` takes only literal parameter names)."""

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def rows_page_url(context, parameter: str, number: int) -> str:
    query = context.request.GET.copy()
    if number == 1:
        query.pop(parameter, None)
    else:
        query[parameter] = str(number)
    return f"?{query.urlencode()}" if query else "?"
