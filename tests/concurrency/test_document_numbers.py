"""T4, L1: documents issued at once in many transactions get gapless, distinct numbers
(the series counter row is locked FOR UPDATE)."""

import threading
from typing import Any

import pytest
from django.db import connection, transaction

from tests.documents.support import issue
from ukeoi.documents.models import Document

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


def test_concurrent_issues_never_skip_or_duplicate_a_number() -> None:
    count = 8
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def work(index: int) -> None:
        try:
            barrier.wait()
            with transaction.atomic():
                issue(str(index))
                if index % 4 == 3:
                    raise RuntimeError("rolled back: its number is given back")
        except RuntimeError:
            pass
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads: list[Any] = [threading.Thread(target=work, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    numbers = sorted(Document.objects.values_list("number", flat=True))
    assert numbers == list(range(1, count - count // 4 + 1))
