"""Forms of the web pages. They parse input (text -> int base units, slugs -> Skill
rows) and nothing else: every rule of the domain is checked by the services, whose
``DomainError`` is attached back to the field it names (``attach_domain_error``).
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django import forms
from django.forms import BaseFormSet, BoundField, formset_factory

from config.errors import DomainError
from marketplace.models import ContributorProfile, ProfileSkill, Project, Skill
from marketplace.services import MAX_MILESTONES, MAX_SKILLS, MilestoneInput, SkillInput
from wallets.amounts import AmountError, parse_amount
from wallets.models import Token

MARKDOWN_HELP = (
    "Markdown: **bold**, _italic_, lists, `code`, [links](https://example.org) and tables. Raw HTML is not allowed."
)


# --- rendering helpers ----------------------------------------------------------


@dataclass
class OptionGroup:
    """One labelled group of checkboxes, as the templates render it."""

    label: str
    options: list[dict[str, Any]] = field(default_factory=list)

    @property
    def selected_count(self) -> int:
        return sum(1 for option in self.options if option["selected"])


class GroupedChoicesBoundField(BoundField):
    """A multiple-choice field rendered as groups of checkboxes (``field.groups``);
    flat choices make one group named after the field."""

    @property
    def groups(self) -> list[OptionGroup]:
        widget = self.field.widget
        value = [str(v) for v in (self.value() or [])]
        groups: list[OptionGroup] = []
        for group_name, options, _index in widget.optgroups(self.html_name, value):
            label = str(group_name) if group_name else str(self.label)
            if not groups or groups[-1].label != label:
                groups.append(OptionGroup(label=label))
            for option in options:
                option["id"] = f"{self.auto_id}_{option['index']}"
                option["value"] = str(option["value"])
                groups[-1].options.append(option)
        return groups


def skill_choices(skills: Iterable[Skill], *, key: str = "slug") -> list[tuple[str, list[tuple[str, str]]]]:
    """Skills grouped by category, for a grouped <select> or grouped checkboxes."""
    labels = dict(Skill.Category.choices)
    grouped: dict[str, list[tuple[str, str]]] = {}
    for skill in skills:
        grouped.setdefault(labels.get(skill.category, skill.category), []).append(
            (str(getattr(skill, key)), skill.name)
        )
    return [(label, sorted(items, key=lambda item: item[1].lower())) for label, items in grouped.items()]


def as_checkboxes(form: forms.Form, *names: str) -> None:
    """Render these multiple-choice fields of a filter form as checkboxes
    (``field.groups``); display only, validation is unchanged."""
    for name in names:
        form.fields[name].bound_field_class = GroupedChoicesBoundField


def group_skill_filter(form: forms.Form, skills: Iterable[Skill], name: str = "skills") -> None:
    """Show a filter form's skills field as checkboxes grouped by category (display
    only: the field still validates against its own queryset)."""
    form.fields[name].widget.choices = skill_choices(skills)
    as_checkboxes(form, name)


@cache
def timezone_choices() -> list[tuple[str, str]]:
    names = sorted(zoneinfo.available_timezones() - {"localtime", "Factory"})
    return [(name, name.replace("_", " ")) for name in names]


def attach_domain_error(
    error: DomainError, form: forms.Form, formsets: dict[str, BaseFormSet[Any]] | None = None
) -> None:
    """The one template path for a DomainError on a form page: the field it names
    (a form field, or a whole formset), else the form's non-field errors."""
    formsets = formsets or {}
    if error.field and error.field in formsets:
        formsets[error.field].non_form_errors().append(error.message)
    elif error.field and error.field in form.fields:
        form.add_error(error.field, error.message)
    else:
        form.add_error(None, error.message)


def _amount_input(placeholder: str = "1500") -> forms.TextInput:
    return forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "placeholder": placeholder})


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SkillsField(forms.MultipleChoiceField):
    """Skill slugs in, Skill rows out (in the order of the choices)."""

    bound_field_class = GroupedChoicesBoundField
    widget = forms.CheckboxSelectMultiple

    def __init__(self, *, skills: Sequence[Skill] = (), **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(choices=skill_choices(skills), **kwargs)
        self.skills_by_slug = {skill.slug: skill for skill in skills}

    def clean(self, value: Any) -> list[Skill]:
        slugs = super().clean(value)
        return [self.skills_by_slug[slug] for slug in slugs]


def active_tokens() -> Any:
    return Token.objects.filter(is_active=True).order_by("symbol")


# --- projects -------------------------------------------------------------------


class ProjectForm(forms.Form):
    title = forms.CharField(
        max_length=140, help_text="What needs doing, in a few words.", widget=forms.TextInput(attrs={"size": 60})
    )
    summary = forms.CharField(
        max_length=280,
        help_text="One or two sentences shown in lists (up to 280 characters).",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    description = forms.CharField(
        max_length=20_000,
        help_text=MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 12}),
    )
    category = forms.ChoiceField(choices=[("", "Choose a category"), *Project.Category.choices])
    required_skills = SkillsField(label="Required skills")
    nice_to_have_skills = SkillsField(label="Nice-to-have skills")
    budget_amount = forms.CharField(
        label="Budget",
        max_length=100,
        help_text="In token units, e.g. 1500 or 1500.50.",
        widget=_amount_input(),
    )
    budget_token = forms.ModelChoiceField(
        label="Token", queryset=active_tokens(), to_field_name="symbol", empty_label=None
    )
    deadline = forms.DateField(required=False, widget=_date_input(), help_text="When the work should be done.")

    def __init__(self, *args: Any, skills: Sequence[Skill] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("required_skills", "nice_to_have_skills"):
            skill_field = self.fields[name]
            assert isinstance(skill_field, SkillsField)
            skill_field.choices = skill_choices(skills)
            skill_field.skills_by_slug = {skill.slug: skill for skill in skills}
            skill_field.help_text = f"Pick up to {MAX_SKILLS} skills in all."

    def selected_token(self) -> Token | None:
        """The token chosen in the submitted data (milestone amounts are parsed with
        it before the whole form is validated); None when missing or invalid."""
        if not self.is_bound:
            return None
        try:
            return self.fields["budget_token"].clean(self.data.get(self.add_prefix("budget_token")))  # type: ignore[no-any-return]
        except forms.ValidationError:
            return None

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        token = cleaned.get("budget_token")
        text = cleaned.get("budget_amount")
        if token is not None and text:
            try:
                cleaned["budget_units"] = token.parse(text)
            except AmountError as exc:
                self.add_error("budget_amount", str(exc))
        return cleaned

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "description": data["description"],
            "category": data["category"],
            "required_skills": data["required_skills"],
            "nice_to_have_skills": data["nice_to_have_skills"],
            "budget_amount": data["budget_units"],
            "budget_token": data["budget_token"],
            "deadline": data["deadline"],
        }

    @classmethod
    def initial_for(cls, project: Project) -> dict[str, Any]:
        return {
            "title": project.title,
            "summary": project.summary,
            "description": project.description,
            "category": project.category,
            "required_skills": [s.slug for s in project.required_skills.all()],
            "nice_to_have_skills": [s.slug for s in project.nice_to_have_skills.all()],
            "budget_amount": project.budget_token.format(project.budget_amount),
            "budget_token": project.budget_token.symbol,
            "deadline": project.deadline,
        }


class MilestoneForm(forms.Form):
    title = forms.CharField(max_length=140, widget=forms.TextInput(attrs={"placeholder": "e.g. Working prototype"}))
    amount = forms.CharField(max_length=100, widget=_amount_input("500"))
    due_date = forms.DateField(label="Due date", required=False, widget=_date_input())
    description = forms.CharField(
        required=False, max_length=5_000, widget=forms.Textarea(attrs={"rows": 2, "placeholder": "What is delivered"})
    )

    def __init__(self, *args: Any, token: Token | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.token = token

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text = cleaned.get("amount")
        if self.token is not None and text:
            try:
                cleaned["units"] = self.token.parse(text)
            except AmountError as exc:
                self.add_error("amount", str(exc))
        return cleaned


def _filled_rows(formset: BaseFormSet[Any]) -> list[dict[str, Any]]:
    """The cleaned data of the rows a person filled in, in order: blank extra rows
    and rows ticked "Remove" are skipped. Call after ``formset.is_valid()``."""
    rows = []
    for form in formset.forms:
        if form.empty_permitted and not form.has_changed():
            continue
        if form.cleaned_data.get("DELETE"):
            continue
        rows.append(form.cleaned_data)
    return rows


def milestone_inputs(formset: BaseFormSet[Any]) -> list[MilestoneInput]:
    return [
        MilestoneInput(
            title=row["title"],
            amount=row["units"],
            description=row.get("description") or "",
            due_date=row.get("due_date"),
        )
        for row in _filled_rows(formset)
    ]


MilestoneFormSet = formset_factory(
    MilestoneForm,
    extra=4,
    max_num=MAX_MILESTONES,
    validate_max=True,
    can_delete=True,
    can_delete_extra=False,
)


def milestone_initial(project: Project) -> list[dict[str, Any]]:
    return [
        {
            "title": m.title,
            "amount": project.budget_token.format(m.amount),
            "due_date": m.due_date,
            "description": m.description,
        }
        for m in project.milestones.all()
    ]


class CancelProjectForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=1_000,
        help_text="Sent to the people who applied.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- applications and reviews -----------------------------------------------------


class ApplicationForm(forms.Form):
    cover_letter = forms.CharField(
        max_length=10_000,
        help_text="Why you, how you would approach the work, and links to related work. " + MARKDOWN_HELP,
        widget=forms.Textarea(attrs={"rows": 10}),
    )
    proposed_amount = forms.CharField(label="Your price", max_length=100, widget=_amount_input("4500"))
    estimated_days = forms.IntegerField(
        label="Estimated duration (days)", min_value=1, max_value=3650, widget=forms.NumberInput(attrs={"min": 1})
    )

    def __init__(self, *args: Any, token: Token, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.token = token
        self.fields[
            "proposed_amount"
        ].help_text = f"In {token.symbol}, for the whole project (up to {token.decimals} decimal places)."

    def clean_proposed_amount(self) -> int:
        try:
            return self.token.parse(self.cleaned_data["proposed_amount"])
        except AmountError as exc:
            raise forms.ValidationError(str(exc), code="invalid_amount") from exc


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(
        choices=[(5, "5 – excellent"), (4, "4 – good"), (3, "3 – fair"), (2, "2 – poor"), (1, "1 – bad")],
        coerce=int,
        widget=forms.RadioSelect,
        help_text="Stars from 1 (bad) to 5 (excellent).",
    )
    text = forms.CharField(
        label="Your review",
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What went well and what could be better. Shown publicly.",
    )


# --- profiles ---------------------------------------------------------------------


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        label="Display name", required=False, max_length=80, help_text="Shown instead of your wallet address."
    )
    email = forms.EmailField(required=False, help_text="Never shown publicly.")
    headline = forms.CharField(
        required=False,
        max_length=140,
        help_text="e.g. “ML engineer running Bittensor miners”. Leave empty if you only hire.",
    )
    bio = forms.CharField(required=False, max_length=10_000, help_text=MARKDOWN_HELP, widget=forms.Textarea)
    hourly_rate = forms.CharField(
        label="Hourly rate", required=False, max_length=100, widget=_amount_input("90"), help_text="In token units."
    )
    rate_token = forms.ModelChoiceField(
        label="Rate token", required=False, queryset=active_tokens(), to_field_name="symbol", empty_label="—"
    )
    availability = forms.ChoiceField(choices=ContributorProfile.Availability.choices)
    hours_per_week = forms.IntegerField(label="Hours per week", min_value=0, max_value=80, initial=20)
    timezone = forms.ChoiceField(label="Time zone", initial="UTC")
    github_handle = forms.CharField(
        label="GitHub handle", required=False, max_length=40, widget=forms.TextInput(attrs={"placeholder": "octocat"})
    )
    portfolio_links = forms.CharField(
        label="Portfolio links",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "https://github.com/you/project"}),
        help_text="One web address per line, up to 10.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["timezone"].choices = timezone_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        text = cleaned.get("hourly_rate")
        token = cleaned.get("rate_token")
        cleaned["rate_units"] = None
        if text:
            if token is None:
                if "rate_token" not in self.errors:
                    self.add_error("rate_token", "Choose the token your hourly rate is in.")
            else:
                try:
                    cleaned["rate_units"] = parse_amount(text, token.decimals, allow_zero=True)
                except AmountError as exc:
                    self.add_error("hourly_rate", str(exc))
        cleaned["links"] = [
            line.strip() for line in (cleaned.get("portfolio_links") or "").splitlines() if line.strip()
        ]
        return cleaned

    def user_kwargs(self) -> dict[str, Any]:
        return {"display_name": self.cleaned_data["display_name"], "email": self.cleaned_data["email"]}

    def profile_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "headline": data["headline"],
            "bio": data["bio"],
            "hourly_rate": data["rate_units"],
            "rate_token": data["rate_token"] if data["rate_units"] is not None else None,
            "availability": data["availability"],
            "hours_per_week": data["hours_per_week"],
            "timezone_name": data["timezone"],
            "portfolio_links": data["links"],
            "github_handle": data["github_handle"],
        }

    @classmethod
    def initial_for(cls, user: Any, profile: ContributorProfile | None) -> dict[str, Any]:
        initial: dict[str, Any] = {"display_name": user.display_name, "email": user.email}
        if profile is not None:
            initial.update(
                headline=profile.headline,
                bio=profile.bio,
                hourly_rate=(
                    profile.rate_token.format(profile.hourly_rate)
                    if profile.hourly_rate is not None and profile.rate_token
                    else ""
                ),
                rate_token=profile.rate_token.symbol if profile.rate_token else None,
                availability=profile.availability,
                hours_per_week=profile.hours_per_week,
                timezone=profile.timezone,
                github_handle=profile.github_handle,
                portfolio_links="\n".join(profile.portfolio_links or []),
            )
        return initial


class SkillRowForm(forms.Form):
    skill = forms.ChoiceField()
    level = forms.TypedChoiceField(
        choices=ProfileSkill.Level.choices, coerce=int, initial=ProfileSkill.Level.PROFICIENT
    )
    years = forms.IntegerField(min_value=0, max_value=50, initial=1, widget=forms.NumberInput(attrs={"min": 0}))

    def __init__(self, *args: Any, skills: Sequence[Skill] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.skills_by_slug = {skill.slug: skill for skill in skills}
        self.fields["skill"].choices = [("", "Choose a skill"), *skill_choices(skills)]  # type: ignore[attr-defined]

    def clean_skill(self) -> Skill:
        return self.skills_by_slug[self.cleaned_data["skill"]]


def skill_inputs(formset: BaseFormSet[Any]) -> list[SkillInput]:
    return [
        SkillInput(skill=row["skill"], level=row["level"], years=row["years"])
        for row in _filled_rows(formset)
        if row.get("skill")
    ]


SkillFormSet = formset_factory(
    SkillRowForm,
    extra=3,
    max_num=MAX_SKILLS,
    validate_max=True,
    can_delete=True,
    can_delete_extra=False,
)


def skill_initial(profile: ContributorProfile | None) -> list[dict[str, Any]]:
    if profile is None:
        return []
    return [{"skill": ps.skill.slug, "level": ps.level, "years": ps.years} for ps in profile.profile_skills.all()]
