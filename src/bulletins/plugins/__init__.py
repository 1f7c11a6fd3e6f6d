"""Pelican plugins of the archive. Each ``register()`` only connects signals.

``statuses_settled`` is sent (with the generator as sender) by the gazette's generator once every
article has its status (效力状态), so that work reading the statuses may begin then, ahead of
the generators that come between (``search_index`` begins its fork there).
"""

from blinker import signal

statuses_settled = signal("bulletins.statuses_settled")
