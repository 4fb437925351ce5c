"""A faithful imitation of Zoho (accounts server + CRM API of two orgs) as an ASGI app.

Public surface: ``Simulator``, ``SimConfig`` (and the types they hand out).
"""

from fieldsync_tui.simulator.config import SimConfig
from fieldsync_tui.simulator.org import SimOrg
from fieldsync_tui.simulator.simulator import Simulator
from fieldsync_tui.simulator.stats import CallRecord

__all__ = ["CallRecord", "SimConfig", "SimOrg", "Simulator"]
