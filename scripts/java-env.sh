# Sourced by the other scripts: points JAVA_HOME at a JDK 21+ (Helidon 4 needs 21).
# Order: an existing JAVA_HOME that is 21+, then the JDKs under /usr/lib/jvm (newest first), then `java` on PATH.

java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 | sed -n 's/ *java.specification.version = //p'; }

qwenops_find_jdk() {
  local candidate
  for candidate in "${JAVA_HOME:-}" $(ls -d /usr/lib/jvm/* 2>/dev/null | sort -rV) \
      "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")"; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] && [ -x "$candidate/bin/javac" ] || continue
    local major
    major=$(java_major "$candidate")
    if [ -n "$major" ] && [ "${major%%.*}" -ge 21 ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

if ! JAVA_HOME=$(qwenops_find_jdk); then
  echo "QwenOps needs a JDK 21 or newer (Helidon 4 requires it); none was found." >&2
  echo "Install one (e.g. Temurin 21/25, or 'apt-get install openjdk-21-jdk' where your distribution has it)" >&2
  echo "and set JAVA_HOME to it." >&2
  exit 1
fi
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"
