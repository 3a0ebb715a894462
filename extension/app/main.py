"""Serves MarbleLab's JupyterLab application (built into ../build/app) with jupyterlab_server.

Run with Debian's interpreter: /usr/bin/python3 extension/app/main.py --ServerApp.root_dir=... ;
scripts/lab.mjs passes the options (127.0.0.1, a token, the notebook folder).
"""
import getpass
import json
import os

import jupyter_server
from jupyterlab_server import LabServerApp

import svg_to_pdf  # beside this file, which Python runs as a script (its folder is on sys.path)

HERE = os.path.dirname(os.path.abspath(__file__))
BUILD = os.path.join(os.path.dirname(HERE), "build", "app")
STATE = os.environ.get("MARBLE_LAB_STATE", os.path.join(os.path.dirname(os.path.dirname(HERE)), ".cache", "lab"))

# keep configuration files elsewhere on the machine out of this app
os.environ["JUPYTER_NO_CONFIG"] = "1"

with open(os.path.join(os.path.dirname(HERE), "package.json")) as fid:
    VERSION = json.load(fid)["version"]


def _jupyter_server_extension_points():
    return [{"module": __name__, "app": MarbleLabApp}]


class MarbleLabApp(LabServerApp):
    name = __name__
    extension_url = "/lab"
    default_url = "/lab"
    app_url = "/lab"
    load_other_extensions = False
    app_name = "MarbleLab"
    app_version = VERSION
    app_settings_dir = os.path.join(BUILD, "application_settings")
    schemas_dir = os.path.join(BUILD, "schemas")
    static_dir = BUILD
    templates_dir = os.path.join(HERE, "templates")
    themes_dir = os.path.join(BUILD, "themes")
    user_settings_dir = os.path.join(STATE, "user_settings")
    workspaces_dir = os.path.join(STATE, "workspaces")

    def initialize_handlers(self):
        super().initialize_handlers()
        # "Save figure" writes a PDF too: the server converts the SVG (svg_to_pdf.py)
        self.handlers.extend(svg_to_pdf.handlers())

    def initialize_settings(self):
        super().initialize_settings()
        # The events (/api/events) and identity (/api/me) APIs arrived with Jupyter Server 2;
        # the page answers for the missing ones itself (app/services.js) instead of asking a
        # server that returns 404 for ever.
        server2 = int(jupyter_server.__version__.split(".")[0]) >= 2
        page = self.settings.setdefault("page_config_data", {})
        page["marbleServerApis"] = json.dumps({"events": server2, "identity": server2})
        page["marbleUserName"] = getpass.getuser()
        # where the page asks for the PDF of a saved figure, or why it cannot
        missing = svg_to_pdf.converter_missing()
        page["marbleSvgToPdf"] = json.dumps({"url": svg_to_pdf.URL} if missing is None else {"missing": missing})


if __name__ == "__main__":
    MarbleLabApp.launch_instance()
