"""ptnotes: the lessons of the PyTorch notes as tested, device-aware helpers.

Every public helper is importable from here (`from ptnotes import focal_loss`) and
documented on the API pages, one per module.
"""

from ptnotes.convert import count_agreement, to_numpy, to_tensor
from ptnotes.device import autocast_device_type, available_devices, pick_device
from ptnotes.layers import conv_bn_relu
from ptnotes.losses import FocalLoss, focal_loss
from ptnotes.modules import LearnableScale, RunningMean
from ptnotes.printing import full_printing
from ptnotes.seed import seed_everything
from ptnotes.summary import summarize

__version__ = "0.1.0"

__all__ = [
    "FocalLoss",
    "LearnableScale",
    "RunningMean",
    "__version__",
    "autocast_device_type",
    "available_devices",
    "conv_bn_relu",
    "count_agreement",
    "focal_loss",
    "full_printing",
    "pick_device",
    "seed_everything",
    "summarize",
    "to_numpy",
    "to_tensor",
]
