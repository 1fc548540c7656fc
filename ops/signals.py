"""What the worker tells the apps about work it recovered from a dead worker.

Both are sent inside the transaction that changes the task's row, with ``task_id`` (the
``DBTaskResult`` id as a string), so the apps' own rows (a batch file, an outage import)
change together with it.
"""

from django.dispatch import Signal

#: The task goes back to the queue: another worker will run it from the start.
task_requeued = Signal()
#: The task will not run again; ``message`` (lazy) says why, for the user.
task_abandoned = Signal()
