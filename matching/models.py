"""Stored embeddings: the source of truth the FAISS indexes are derived from."""

from __future__ import annotations

from django.db import models


class Embedding(models.Model):
    """One vector per project and per contributor profile.

    ``version`` increases on every change (a new vector, or the object leaving or
    re-entering the index): each worker's in-memory index remembers the highest
    version it applied and catches up with ``version > watermark``. ``is_active``
    says whether the object belongs in the index (an open, visible project; a
    visible, available contributor); inactive rows are removals.
    """

    class Kind(models.TextChoices):
        PROJECT = "project", "Project"
        CONTRIBUTOR = "contributor", "Contributor"

    kind = models.CharField(max_length=16, choices=Kind.choices)
    object_id = models.BigIntegerField(help_text="Project id or ContributorProfile id.")
    model_name = models.CharField(max_length=100)
    dimension = models.PositiveSmallIntegerField()
    content_hash = models.CharField(max_length=64)
    vector = models.BinaryField(help_text="float32 little-endian, L2-normalised.")
    is_active = models.BooleanField(default=True)
    version = models.BigIntegerField(db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="embedding_one_per_object")]
        indexes = [models.Index(fields=["kind", "version"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.object_id} v{self.version}"


class IndexVersion(models.Model):
    """The version counter of one kind, incremented under a row lock so versions
    are unique and increasing across workers."""

    kind = models.CharField(max_length=16, choices=Embedding.Kind.choices, unique=True)
    version = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.kind}: {self.version}"
