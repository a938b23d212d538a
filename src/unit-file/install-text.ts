// systemctl's long notice for enable/reenable of units without [Install] rules, shared by the offline
// install code (src/unit-file/install.ts) and tsysctl (src/cli/ctl/files.ts). No imports: cheap to load.
// The separator line is one space, as systemctl prints it: written \x20 so the format step (no trailing
// whitespace) keeps it.
export const NO_INSTALL_INFO = `The unit files have no installation config (WantedBy=, RequiredBy=, Also=,
Alias= settings in the [Install] section, and DefaultInstance= for template
units). This means they are not meant to be enabled using systemctl.
\x20
Possible reasons for having this kind of units are:
• A unit may be statically enabled by being symlinked from another unit's
  .wants/ or .requires/ directory.
• A unit's purpose may be to act as a helper for some other unit which has
  a requirement dependency on it.
• A unit may be started when needed via activation (socket, path, timer,
  D-Bus, udev, scripted systemctl call, ...).
• In case of template units, the unit is meant to be enabled with some
  instance name specified.`;
