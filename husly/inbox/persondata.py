"""The inbox holds no person data of its own (husly.common.persondata)."""

from husly.common.persondata import exempt

exempt("inbox.InboxClaim",
       "Who in a unit took an item; the item is another app's row, declared there, and the "
       "claim names no resident.")
