# Sourced by the other scripts: points JAVA_HOME at a JDK 22+ (Helidon 4 needs 21; the inference pod's CPU
# decode kernel uses java.lang.foreign, final in 22). Order: an existing JAVA_HOME that is 22+, then the JDKs under /usr/lib/jvm (newest first), then `java` on PATH.

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p'; }

qwenops_find_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV) \
      "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    local major
    major=$(java_major "$candidate")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 22 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(qwenops_find_jdk); then
  echo "QwenOps needs a JDK 22 or newer (the inference pod uses java.lang.foreign); none was found." >&2
  echo "Install one (e.g. Temurin 25, or 'apt-get install openjdk-25-jdk' where your distribution has it)" >&2
  echo "and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
