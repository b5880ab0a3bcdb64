"""The YO-C platform: members, mentors, Soapbox Speeches and festival tickets."""

__version__ = "0.1.0"
