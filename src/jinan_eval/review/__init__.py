"""The review server and the review log's intake: reviewers comment in the browser, the team approves, the next
edition answers.

* :mod:`.server` — ``jinan-eval serve``: the published site and Isso (a self-hosted comment server, SQLite,
  moderation) in one process on one port, comments accepted only on the threads the editions list, signed
  "Name (Affiliation)", within a length and a rate.
* :mod:`.store` — the comment store read back: the comments awaiting approval, approving them, and
  ``jinan-eval reviews export``, which appends the approved comments to the review log (``book/reviews/reviews.yml``)
  once each.
"""
