"""A faithful imitation of Zoho (accounts server + CRM API of two orgs) as an ASGI app."""
