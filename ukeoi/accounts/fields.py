"""The e-mail address of an account, always in its one normal form (A3, A5; see
`validators.normalize_email`), in forms as in the database."""

from typing import Any

from django import forms
from django.db import models

from ukeoi.accounts.validators import normalize_email


class NormalEmailFormField(forms.EmailField):
    """An address field that normalises before it validates: what an IME typed in
    full-width mode (ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ) is accepted as the address it looks like."""

    def to_python(self, value: Any) -> str:
        return normalize_email(super().to_python(value) or "")


class NormalEmailField(models.EmailField):
    """`User.email`: written in the normal form whatever writes it (services, the admin,
    factories), and exact lookups (`email=…`, `email__in=…`) normalise their value, so
    that the unique constraint on the column is the one on the normal form."""

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        return normalize_email(value) if isinstance(value, str) else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return normalize_email(value) if isinstance(value, str) else value

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = normalize_email(value)
            setattr(model_instance, self.attname, value)
        return value

    def formfield(
        self, form_class: Any = None, choices_form_class: Any = None, **kwargs: Any
    ) -> Any:
        return super().formfield(
            form_class=form_class or NormalEmailFormField,
            choices_form_class=choices_form_class,
            **kwargs,
        )
