# @summary A Data value as JSON text (core Puppet has no JSON writer without stdlib).
# Strings escape backslash, double quote and control characters as JSON requires.
function taskhost::json(Data $value) >> String {
  case $value {
    Undef: { 'null' }
    Boolean, Numeric: { String($value) }
    String: {
      $escaped = regsubst(regsubst(regsubst($value, '\\\\', '\\\\\\\\', 'G'), '"', '\\"', 'G'),
        '[\x00-\x1f]', ' ', 'G')
      "\"${escaped}\""
    }
    Array: { "[${value.map |$item| { taskhost::json($item) }.join(',')}]" }
    Hash: { "{${value.map |$k, $v| { "${taskhost::json($k)}:${taskhost::json($v)}" }.join(',')}}" }
    default: { fail("taskhost::json: cannot write ${type($value)}") }
  }
}
