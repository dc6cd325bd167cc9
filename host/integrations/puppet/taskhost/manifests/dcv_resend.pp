# @summary Resend a domain's DigiCert DCV emails through taskhost, once per resend interval.
#
# An exec of `taskhost run digicert.dcv.resend` guarded by its own dry run: `unless` runs
# `taskhost run ... --check --detailed-exitcodes`, which exits 0 when nothing would be sent
# (done within its resend interval, or the domain already validated with skip_if_validated or
# revalidate_within), so a second `puppet apply` changes nothing, and `--noop` reports the
# pending resend without sending. The key never appears: taskhost reads it from the account.
#
# @param domain_id  CertCentral's id of the domain (or give domain, its name)
# @param domain  the domain's name as added to CertCentral
# @param account  the account in taskhost's config whose key is used
# @param params  further digicert.dcv.resend params, e.g. {'name_scope' => 'example.com',
#   'email_array' => ['admin@example.com'], 'revalidate_within' => '30d'}
# @param resend_interval  how long a resend counts as done (taskhost's journal)
# @param config  taskhost's config file
# @param socket  run through the daemon listening here instead of in-process (optional)
# @param taskhost  the taskhost binary
define taskhost::dcv_resend (
  Optional[Integer[1]] $domain_id = undef,
  Optional[String[1]] $domain = undef,
  Optional[String[1]] $account = undef,
  Hash[String[1], Data] $params = {},
  String[1] $resend_interval = '24h',
  String[1] $config = '/etc/taskhost/config.json',
  Optional[String[1]] $socket = undef,
  String[1] $taskhost = '/usr/bin/taskhost',
) {
  if ($domain_id == undef) == ($domain == undef) {
    fail("taskhost::dcv_resend[${title}]: give exactly one of domain_id and domain")
  }
  $target = $domain_id ? { undef => { 'domain' => $domain }, default => { 'domain_id' => $domain_id } }
  $spec = {
    'task'            => 'digicert.dcv.resend',
    'id'              => "puppet:${title}",
    'resend_interval' => $resend_interval,
    'params'          => $params + $target,
  } + ($account ? { undef => {}, default => { 'account' => $account } })
  $feed = "printf '%s' ${shellquote(taskhost::json($spec))}"
  $where = $socket ? {
    undef   => shellquote('--config', $config),
    default => shellquote('--config', $config, '--socket', $socket),
  }

  # The spec is data on stdin (--spec -), never a key: taskhost reads the key from the account.
  exec { "taskhost dcv resend ${title}":
    provider  => shell,
    command   => "${feed} | ${shellquote($taskhost)} run --spec - ${where}",
    unless    => "${feed} | ${shellquote($taskhost)} run --spec - --check --detailed-exitcodes ${where}",
    logoutput => on_failure,
  }
}
