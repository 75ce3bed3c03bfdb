#!/usr/bin/env bash
# A private CA and the certificates of one deployment, with openssl only:
#   ca.crt/ca.key            the CA (keep ca.key offline once the certificates are made)
#   kamailio.crt/.key        SIP over TLS (5061) of the Kamailio pair: SANs = the SIP domain and the floating IP
#   coturn.crt/.key          TURNS (5349) of the Coturn pair: SANs = the TURN realm and the floating IP
#   scaler-<id>.crt/.key     Raft mTLS of each scaler node (server and client use): SANs = its id and address
#   logstash.crt/.key        the Logstash TLS input the log shippers connect to: SAN = its host name or address
# Keys are written 0600, certificates 0644, in OUTDIR (created 0700). Existing files are kept (re-running adds
# what is missing: a new scaler node, say); delete a pair of files to renew it.
#
#   deploy/tls/make-certs.sh OUTDIR --sip sip.example.org,203.0.113.10 --turn turn.example.org,203.0.113.11 \
#     --scaler smd-scaler-1=10.0.0.11 --scaler smd-scaler-2=10.0.0.12 --scaler smd-scaler-3=10.0.0.13 \
#     --logstash logstash.example.org [--days 825]
# Each name list is comma-separated; an item that parses as an IPv4 address becomes an IP SAN, else a DNS SAN.
# Exit 2 on bad arguments, 1 when openssl fails.
set -euo pipefail

usage() {
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
}
die() { echo "make-certs.sh: $*" >&2; exit 2; }

[[ $# -ge 1 ]] || usage
OUT=$1
shift
SIP="" TURN="" LOGSTASH="" DAYS=825
SCALERS=()
while [[ $# -gt 0 ]]; do
  case $1 in
    --sip) SIP=${2:?--sip needs NAMES}; shift 2 ;;
    --turn) TURN=${2:?--turn needs NAMES}; shift 2 ;;
    --scaler) [[ ${2:-} == *=* ]] || die "--scaler needs ID=ADDRESS, got '${2:-}'"; SCALERS+=("$2"); shift 2 ;;
    --logstash) LOGSTASH=${2:?--logstash needs NAMES}; shift 2 ;;
    --days) [[ ${2:-} =~ ^[0-9]+$ ]] || die "--days needs a number of days, got '${2:-}'"; DAYS=$2; shift 2 ;;
    -h | --help) usage ;;
    *) die "unknown argument '$1' (see --help)" ;;
  esac
done
[[ -n $SIP || -n $TURN || ${#SCALERS[@]} -gt 0 || -n $LOGSTASH ]] || die "nothing to make: give --sip, --turn, --scaler or --logstash"
command -v openssl > /dev/null || { echo "make-certs.sh: openssl is not installed" >&2; exit 1; }

umask 077
mkdir -p "$OUT"
chmod 0700 "$OUT"

# san LIST : the subjectAltName value of a comma-separated list of names and IPv4 addresses
san() {
  local item out=()
  IFS=',' read -r -a items <<< "$1"
  for item in "${items[@]}"; do
    [[ -n $item ]] || continue
    if [[ $item =~ ^[0-9]{1,3}(\.[0-9]{1,3}){3}$ ]]; then out+=("IP:$item"); else out+=("DNS:$item"); fi
  done
  [[ ${#out[@]} -gt 0 ]] || die "empty name list"
  (IFS=','; echo "${out[*]}")
}

if [[ ! -s $OUT/ca.key ]]; then
  openssl req -x509 -newkey rsa:3072 -nodes -sha256 -days "$((DAYS * 2))" -subj "/CN=SIPMediaDeploy CA" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -keyout "$OUT/ca.key" -out "$OUT/ca.crt" 2> "$OUT/.openssl.log"
  chmod 0644 "$OUT/ca.crt"
  echo "made  $OUT/ca.crt (and ca.key)"
fi

# leaf NAME CN SAN USAGE : NAME.key + NAME.crt signed by the CA, unless both exist
leaf() {
  local name=$1 cn=$2 sans=$3 usage=$4
  if [[ -s $OUT/$name.key && -s $OUT/$name.crt ]]; then
    echo "kept  $OUT/$name.crt"
    return
  fi
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$cn" -keyout "$OUT/$name.key" -out "$OUT/$name.csr" \
    2>> "$OUT/.openssl.log"
  printf 'subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=%s\n' \
    "$sans" "$usage" > "$OUT/$name.ext"
  openssl x509 -req -in "$OUT/$name.csr" -CA "$OUT/ca.crt" -CAkey "$OUT/ca.key" -CAcreateserial -sha256 \
    -days "$DAYS" -extfile "$OUT/$name.ext" -out "$OUT/$name.crt" 2>> "$OUT/.openssl.log"
  rm -f "$OUT/$name.csr" "$OUT/$name.ext"
  chmod 0600 "$OUT/$name.key"
  chmod 0644 "$OUT/$name.crt"
  echo "made  $OUT/$name.crt ($sans)"
}

[[ -z $SIP ]] || leaf kamailio "${SIP%%,*}" "$(san "$SIP")" serverAuth,clientAuth
[[ -z $TURN ]] || leaf coturn "${TURN%%,*}" "$(san "$TURN")" serverAuth
for s in "${SCALERS[@]}"; do
  id=${s%%=*}
  [[ $id =~ ^[A-Za-z0-9._-]+$ ]] || die "scaler id '$id': letters, digits, '.', '_' and '-' only"
  leaf "scaler-$id" "$id" "$(san "$id,${s#*=}")" serverAuth,clientAuth
done
[[ -z $LOGSTASH ]] || leaf logstash "${LOGSTASH%%,*}" "$(san "$LOGSTASH")" serverAuth
rm -f "$OUT/.openssl.log"
