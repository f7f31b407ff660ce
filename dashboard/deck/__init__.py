"""The meeting deck: labels (category text), series (native-chart data), native (charts), slides."""
