from __future__ import annotations

app_name = "marketplace"
urlpatterns: list = []
