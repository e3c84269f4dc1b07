"""L4: operators write the legal pages here. A version in force is read-only (and cannot be
deleted): a change is a new version, added with "Add", numbered after the last one."""

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import Max
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from ukeoi.core import clock
from ukeoi.legal.models import Consent, DocumentVersion

VERSION_FIELDS = (
    "kind",
    "number",
    "effective_from",
    "title_ja",
    "title_en",
    "body_ja",
    "body_en",
    "changes_ja",
    "changes_en",
    "created_at",
)


class DocumentVersionForm(forms.ModelForm):
    class Meta:
        model = DocumentVersion
        fields = (
            "kind",
            "effective_from",
            "title_ja",
            "title_en",
            "body_ja",
            "body_en",
            "changes_ja",
            "changes_en",
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.instance.pk:
            stored = DocumentVersion.objects.get(pk=self.instance.pk)
            if stored.in_force_at(clock.now()):
                raise forms.ValidationError(
                    _(
                        "This version is in force and can no longer be changed. "
                        "Add a new version instead."
                    ),
                    code="in_force",
                )
        return data


@admin.register(DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    form = DocumentVersionForm
    list_display = ("kind", "number", "title_ja", "effective_from", "in_force")
    list_filter = ("kind",)
    ordering = ("kind", "-number")

    @admin.display(boolean=True, description=_("in force"))
    def in_force(self, obj: DocumentVersion) -> bool:
        return obj.in_force_at(clock.now())

    def _published(self, obj: DocumentVersion | None) -> bool:
        return obj is not None and obj.pk is not None and obj.in_force_at(clock.now())

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if self._published(obj):
            return VERSION_FIELDS
        return ("number", "created_at") if obj is not None else ()

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return DocumentVersionForm.Meta.fields
        return VERSION_FIELDS

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if self._published(obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request: HttpRequest) -> Any:
        # Deleting in bulk would not ask which versions are in force.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def save_model(
        self, request: HttpRequest, obj: DocumentVersion, form: Any, change: bool
    ) -> None:
        if not change:
            last = DocumentVersion.objects.filter(kind=obj.kind).aggregate(n=Max("number"))["n"]
            obj.number = (last or 0) + 1
        super().save_model(request, obj, form, change)


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    list_display = ("user", "version", "consented_at")
    list_filter = ("version__kind",)
    list_select_related = ("user", "version")
    raw_id_fields = ("user",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
