"""Input and output serializers of the marketplace API, kept apart (STYLE.md §5).

Amounts travel as decimal strings in token units next to their token symbol, never
as floats: ``{"amount": "1500.5", "token": "USDC", "base_units": "1500500000"}``.
Input serializers only parse and validate shapes; the rules are the services'.
"""

from __future__ import annotations

from operator import attrgetter
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from marketplace import services
from marketplace.markdown import render_markdown
from marketplace.models import Application, ContributorProfile, Milestone, ProfileSkill, Project, Review, Skill
from wallets.amounts import AmountError, parse_amount
from wallets.models import Token

# --- money --------------------------------------------------------------------


class MoneySerializer(serializers.Serializer[Any]):
    """An exact amount: ``amount`` in token units, ``base_units`` as an integer string."""

    amount = serializers.CharField(help_text="Decimal string in token units, e.g. '1500.5'.")
    token = serializers.CharField(help_text="Token symbol, e.g. 'USDC'.")
    base_units = serializers.CharField(help_text="The same amount in integer base units (10**decimals per token).")


@extend_schema_field(MoneySerializer(allow_null=True))
class MoneyField(serializers.Field[Any, Any, Any, Any]):
    """Read-only: renders ``obj.<amount>`` base units of ``obj.<token>`` as Money."""

    def __init__(self, *, amount_attr: str, token_attr: str, **kwargs: Any) -> None:
        self.amount_path = amount_attr
        self.token_path = token_attr
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> dict[str, str] | None:
        units = attrgetter(self.amount_path)(value)
        token = attrgetter(self.token_path)(value)
        if units is None or token is None:
            return None
        return {"amount": token.format(units), "token": token.symbol, "base_units": str(units)}


@extend_schema_field(OpenApiTypes.STR)
class TokenAmountField(serializers.Field[int, str, str, Any]):
    """Input: a decimal string in units of the token in ``context["token"]`` -> base units.

    Numbers in JSON are refused unless they are integers: a float cannot carry an
    exact amount.
    """

    default_error_messages = {"no_token": "The token of this amount is not known."}

    def to_internal_value(self, data: Any) -> int:
        token: Token | None = self.context.get("token")
        if token is None:
            self.fail("no_token")
        assert token is not None
        try:
            return parse_amount(data, token.decimals)
        except AmountError as exc:
            raise serializers.ValidationError(f"{exc} ({token.symbol})") from exc

    def to_representation(self, value: int) -> str:
        return str(value)


class DecimalStringField(serializers.CharField):
    """A decimal amount as a JSON string (integers are tolerated, floats refused)."""

    default_error_messages = {
        "float": 'Send amounts as decimal strings such as "1500.5": a JSON number with a fraction '
        "is a float and cannot hold an exact amount."
    }

    def to_internal_value(self, data: Any) -> str:
        if isinstance(data, float):
            self.fail("float")
        return super().to_internal_value(data)


class MoneyInputSerializer(serializers.Serializer[Any]):
    amount = DecimalStringField(help_text="Decimal string in token units, e.g. '1500.5'.")
    token = serializers.SlugRelatedField(slug_field="symbol", queryset=Token.objects.filter(is_active=True))

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        token: Token = attrs["token"]
        try:
            attrs["units"] = parse_amount(attrs["amount"], token.decimals)
        except AmountError as exc:
            raise serializers.ValidationError({"amount": [f"{exc} ({token.symbol})"]}) from exc
        return attrs


# --- shared outputs -------------------------------------------------------------


class UserPublicSerializer(serializers.ModelSerializer[User]):
    name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "address", "name", "display_name", "avatar_color"]
        read_only_fields = fields


class SkillSerializer(serializers.ModelSerializer[Skill]):
    class Meta:
        model = Skill
        fields = ["slug", "name", "category", "description"]
        read_only_fields = fields


class TokenSerializer(serializers.ModelSerializer[Token]):
    class Meta:
        model = Token
        fields = ["symbol", "name", "decimals", "chain_id", "contract_address"]
        read_only_fields = fields


def skill_slugs_field(**kwargs: Any) -> serializers.SlugRelatedField[Skill]:
    return serializers.SlugRelatedField(slug_field="slug", queryset=Skill.objects.all(), many=True, **kwargs)


# --- projects -----------------------------------------------------------------


class MilestoneOutputSerializer(serializers.ModelSerializer[Milestone]):
    amount = MoneyField(amount_attr="amount", token_attr="project.budget_token")

    class Meta:
        model = Milestone
        fields = ["id", "order", "title", "description", "amount", "due_date", "status"]
        read_only_fields = fields


class MilestoneInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=140)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    amount = TokenAmountField(help_text="Decimal string in units of the project's token.")
    due_date = serializers.DateField(required=False, allow_null=True, default=None)

    def to_milestone(self) -> services.MilestoneInput:
        return services.MilestoneInput(**self.validated_data)


class ProjectListOutputSerializer(serializers.ModelSerializer[Project]):
    owner = UserPublicSerializer(read_only=True)
    contributor = UserPublicSerializer(read_only=True, allow_null=True)
    budget = MoneyField(amount_attr="budget_amount", token_attr="budget_token")
    required_skills = SkillSerializer(many=True, read_only=True)
    nice_to_have_skills = SkillSerializer(many=True, read_only=True)
    application_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Project
        fields = [
            "id",
            "title",
            "summary",
            "category",
            "status",
            "owner",
            "contributor",
            "budget",
            "deadline",
            "required_skills",
            "nice_to_have_skills",
            "application_count",
            "is_hidden",
            "created_at",
            "updated_at",
            "published_at",
        ]
        read_only_fields = fields


class ProjectDetailOutputSerializer(ProjectListOutputSerializer):
    description = serializers.CharField(read_only=True, help_text="Markdown source.")
    description_html = serializers.SerializerMethodField(help_text="Sanitised HTML rendering of the description.")
    milestones = MilestoneOutputSerializer(many=True, read_only=True)

    class Meta(ProjectListOutputSerializer.Meta):
        fields = [*ProjectListOutputSerializer.Meta.fields, "description", "description_html", "milestones"]
        read_only_fields = fields

    def get_description_html(self, obj: Project) -> str:
        return render_markdown(obj.description)


class ProjectCreateInputSerializer(serializers.Serializer[Any]):
    title = serializers.CharField(max_length=140)
    summary = serializers.CharField(max_length=280)
    description = serializers.CharField(max_length=20_000, help_text="Markdown.")
    category = serializers.ChoiceField(choices=Project.Category.choices)
    required_skills = skill_slugs_field(required=False, default=list)
    nice_to_have_skills = skill_slugs_field(required=False, default=list)
    budget = MoneyInputSerializer()
    deadline = serializers.DateField(required=False, allow_null=True, default=None)
    milestones = serializers.ListField(child=serializers.DictField(), required=False, default=list, max_length=20)
    publish = serializers.BooleanField(default=True, help_text="False saves a draft.")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        token: Token | None = attrs["budget"]["token"] if "budget" in attrs else self.context.get("token")
        attrs["milestones"] = _parse_milestones(attrs.get("milestones"), token)
        return attrs


class ProjectUpdateInputSerializer(ProjectCreateInputSerializer):
    """Every field optional (PATCH); ``milestones`` replaces the whole list when given."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["partial"] = True
        super().__init__(*args, **kwargs)
        self.fields.pop("publish")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if "milestones" in attrs:
            token = attrs["budget"]["token"] if "budget" in attrs else self.context.get("token")
            attrs["milestones"] = _parse_milestones(attrs["milestones"], token)
        return attrs


def _parse_milestones(items: list[dict[str, Any]] | None, token: Token | None) -> list[services.MilestoneInput]:
    parsed: list[services.MilestoneInput] = []
    errors: dict[str, Any] = {}
    for index, item in enumerate(items or []):
        serializer = MilestoneInputSerializer(data=item, context={"token": token})
        if serializer.is_valid():
            parsed.append(serializer.to_milestone())
        else:
            errors[str(index)] = serializer.errors
    if errors:
        raise serializers.ValidationError({"milestones": errors})
    return parsed


class ProjectCancelInputSerializer(serializers.Serializer[Any]):
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


# --- contributors -------------------------------------------------------------


class ProfileSkillOutputSerializer(serializers.ModelSerializer[ProfileSkill]):
    slug = serializers.CharField(source="skill.slug", read_only=True)
    name = serializers.CharField(source="skill.name", read_only=True)

    class Meta:
        model = ProfileSkill
        fields = ["slug", "name", "level", "years"]
        read_only_fields = fields


class ReputationSerializer(serializers.Serializer[Any]):
    rating = serializers.FloatField(allow_null=True, help_text="Average stars received (1-5), null without reviews.")
    review_count = serializers.IntegerField()
    completed_count = serializers.IntegerField()


class ContributorOutputSerializer(serializers.ModelSerializer[ContributorProfile]):
    user = UserPublicSerializer(read_only=True)
    skills = ProfileSkillOutputSerializer(source="profile_skills", many=True, read_only=True)
    hourly_rate = MoneyField(amount_attr="hourly_rate", token_attr="rate_token")

    class Meta:
        model = ContributorProfile
        fields = [
            "id",
            "user",
            "headline",
            "bio",
            "skills",
            "hourly_rate",
            "availability",
            "hours_per_week",
            "timezone",
            "portfolio_links",
            "github_handle",
            "is_hidden",
            "updated_at",
        ]
        read_only_fields = fields


class ContributorDetailOutputSerializer(ContributorOutputSerializer):
    reputation = serializers.SerializerMethodField()

    class Meta(ContributorOutputSerializer.Meta):
        fields = [*ContributorOutputSerializer.Meta.fields, "reputation"]
        read_only_fields = fields

    @extend_schema_field(ReputationSerializer)
    def get_reputation(self, obj: ContributorProfile) -> dict[str, Any]:
        reputation = self.context["reputation"]
        return ReputationSerializer(reputation).data


class SkillLevelInputSerializer(serializers.Serializer[Any]):
    skill = serializers.SlugRelatedField(slug_field="slug", queryset=Skill.objects.all())
    level = serializers.ChoiceField(choices=ProfileSkill.Level.choices, default=ProfileSkill.Level.PROFICIENT)
    years = serializers.IntegerField(min_value=0, max_value=50, default=1)


class RateInputSerializer(MoneyInputSerializer):
    pass


class ProfileInputSerializer(serializers.Serializer[Any]):
    headline = serializers.CharField(max_length=140)
    bio = serializers.CharField(required=False, allow_blank=True, default="", max_length=10_000)
    skills = SkillLevelInputSerializer(many=True, required=False, default=list)
    hourly_rate = RateInputSerializer(required=False, allow_null=True, default=None)
    availability = serializers.ChoiceField(
        choices=ContributorProfile.Availability.choices, default=ContributorProfile.Availability.AVAILABLE
    )
    hours_per_week = serializers.IntegerField(min_value=0, max_value=80, default=20)
    timezone = serializers.CharField(max_length=64, default="UTC")
    portfolio_links = serializers.ListField(child=serializers.CharField(max_length=500), required=False, default=list)
    github_handle = serializers.CharField(required=False, allow_blank=True, default="", max_length=40)

    def service_kwargs(self) -> dict[str, Any]:
        data = self.validated_data
        rate = data.get("hourly_rate")
        return {
            "headline": data["headline"],
            "bio": data["bio"],
            "skills": [
                services.SkillInput(skill=s["skill"], level=int(s["level"]), years=s["years"]) for s in data["skills"]
            ],
            "hourly_rate": rate["units"] if rate else None,
            "rate_token": rate["token"] if rate else None,
            "availability": data["availability"],
            "hours_per_week": data["hours_per_week"],
            "timezone_name": data["timezone"],
            "portfolio_links": data["portfolio_links"],
            "github_handle": data["github_handle"],
        }


def profile_as_input(profile: ContributorProfile) -> dict[str, Any]:
    """A stored profile in the input shape, so PATCH can merge a partial body into it."""
    return {
        "headline": profile.headline,
        "bio": profile.bio,
        "skills": [
            {"skill": ps.skill.slug, "level": ps.level, "years": ps.years}
            for ps in profile.profile_skills.select_related("skill")
        ],
        "hourly_rate": (
            {"amount": profile.rate_token.format(profile.hourly_rate), "token": profile.rate_token.symbol}
            if profile.hourly_rate is not None and profile.rate_token is not None
            else None
        ),
        "availability": profile.availability,
        "hours_per_week": profile.hours_per_week,
        "timezone": profile.timezone,
        "portfolio_links": list(profile.portfolio_links),
        "github_handle": profile.github_handle,
    }


class MeOutputSerializer(serializers.ModelSerializer[User]):
    name = serializers.CharField(read_only=True)
    has_profile = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = [
            "id",
            "address",
            "name",
            "display_name",
            "email",
            "avatar_color",
            "is_staff",
            "date_joined",
            "has_profile",
        ]
        read_only_fields = fields

    def get_has_profile(self, obj: User) -> bool:
        return ContributorProfile.objects.filter(user=obj).exists()


class MeInputSerializer(serializers.Serializer[Any]):
    display_name = serializers.CharField(required=False, allow_blank=True, max_length=80)
    email = serializers.EmailField(required=False, allow_blank=True)


# --- applications and reviews -------------------------------------------------


class ProjectRefSerializer(serializers.ModelSerializer[Project]):
    class Meta:
        model = Project
        fields = ["id", "title", "status"]
        read_only_fields = fields


class ApplicationOutputSerializer(serializers.ModelSerializer[Application]):
    project = ProjectRefSerializer(read_only=True)
    contributor = UserPublicSerializer(read_only=True)
    proposed_amount = MoneyField(amount_attr="proposed_amount", token_attr="project.budget_token")

    class Meta:
        model = Application
        fields = [
            "id",
            "project",
            "contributor",
            "cover_letter",
            "proposed_amount",
            "estimated_days",
            "status",
            "created_at",
            "updated_at",
            "decided_at",
        ]
        read_only_fields = fields


class ApplicationInputSerializer(serializers.Serializer[Any]):
    cover_letter = serializers.CharField(max_length=10_000)
    proposed_amount = TokenAmountField(help_text="Decimal string in units of the project's token.")
    estimated_days = serializers.IntegerField(min_value=1, max_value=3650)


class ReviewOutputSerializer(serializers.ModelSerializer[Review]):
    author = UserPublicSerializer(read_only=True)
    subject = UserPublicSerializer(read_only=True)

    class Meta:
        model = Review
        fields = ["id", "project", "author", "subject", "rating", "text", "created_at"]
        read_only_fields = fields


class ReviewInputSerializer(serializers.Serializer[Any]):
    rating = serializers.IntegerField(min_value=1, max_value=5)
    text = serializers.CharField(max_length=5_000)


# --- invitations ----------------------------------------------------------------


class InvitationInputSerializer(serializers.Serializer[Any]):
    contributor = serializers.IntegerField(help_text="The contributor profile id to invite.")


class InvitationOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    project = serializers.IntegerField(source="project_id")
    contributor = UserPublicSerializer()
    created_at = serializers.DateTimeField()
