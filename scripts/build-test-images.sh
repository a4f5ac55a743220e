#!/usr/bin/env bash
# Build small OCI test images as OCI image layouts, from generated files only:
# no network, no container engine. Needs bash, jq, sha256sum, tar (GNU), gzip;
# openssl is used for deterministic incompressible data when present.
#
# usage: scripts/build-test-images.sh OUTDIR
#
# Writes three OCI image layouts (oci-layout, index.json, blobs/sha256/...):
#   OUTDIR/single   one image manifest with one gzip layer          (ref "v1")
#   OUTDIR/multi    one image manifest with three gzip layers        (ref "v1")
#                   (files, a symlink, a ~1.5 MiB incompressible file,
#                   and a whiteout removing a file of layer 2)
#   OUTDIR/index    an image index of linux/amd64 and linux/arm64/v8, each a
#                   distinct image manifest sharing one base layer   (ref "v1")
# and OUTDIR/summary.json describing them (top-level digests, children, layers).
#
# The output is byte-for-byte deterministic for a given tar/gzip/openssl:
# fixed mtimes, owners, modes, sorted entries, gzip -n, fixed JSON.
# Each layout works with `skopeo inspect oci:OUTDIR/NAME` and
# `skopeo copy [--all] oci:OUTDIR/NAME docker://...`.
set -euo pipefail

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 OUTDIR" >&2
  exit 2
fi
for tool in jq sha256sum tar gzip; do
  command -v "$tool" >/dev/null 2>&1 || { echo "$0: $tool is required" >&2; exit 2; }
done

OUT="$1"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/berth-images.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT

export LC_ALL=C TZ=UTC
umask 022

MT_MANIFEST=application/vnd.oci.image.manifest.v1+json
MT_INDEX=application/vnd.oci.image.index.v1+json
MT_CONFIG=application/vnd.oci.image.config.v1+json
MT_LAYER=application/vnd.oci.image.layer.v1.tar+gzip
EPOCH_ISO=2024-01-01T00:00:00Z
EPOCH_TS=@1704067200

# ---------------------------------------------------------------- helpers

# deterministic pseudo-random (incompressible) bytes: det_bytes SEED COUNT
det_bytes() {
  local seed="$1" count="$2"
  if command -v openssl >/dev/null 2>&1; then
    local key iv
    key="$(printf '%s' "key-$seed" | sha256sum | cut -c1-32)"
    iv="$(printf '%s' "iv-$seed" | sha256sum | cut -c1-32)"
    head -c "$count" /dev/zero | openssl enc -aes-128-ctr -nosalt -K "$key" -iv "$iv" 2>/dev/null | head -c "$count"
  else
    # fallback: a sha256 chain, slower but still deterministic
    local h n=0
    h="$(printf '%s' "$seed" | sha256sum | cut -d' ' -f1)"
    while [ $n -lt "$count" ]; do
      printf '%s' "$h" | xxd -r -p 2>/dev/null || printf '%s' "$h"
      h="$(printf '%s' "$h" | sha256sum | cut -d' ' -f1)"
      n=$((n + 32))
    done | head -c "$count"
  fi
}

# init_layout DIR: empty OCI image layout
init_layout() {
  rm -rf "$1"
  mkdir -p "$1/blobs/sha256"
  printf '{"imageLayoutVersion":"1.0.0"}' > "$1/oci-layout"
}

# put_blob LAYOUT FILE -> prints "DIGEST SIZE"; moves FILE into the layout
put_blob() {
  local layout="$1" file="$2" hex size
  hex="$(sha256sum "$file" | cut -d' ' -f1)"
  size="$(stat -c %s "$file")"
  mv -f "$file" "$layout/blobs/sha256/$hex"
  chmod 0644 "$layout/blobs/sha256/$hex"
  echo "sha256:$hex $size"
}

# make_layer LAYOUT SRCDIR -> prints "DIGEST SIZE DIFFID"
# A reproducible tar of SRCDIR's contents, gzipped with no name/timestamp.
make_layer() {
  local layout="$1" src="$2" tarf gz diffid
  local -a top
  mapfile -t top < <(cd "$src" && ls -A)
  tarf="$WORK/layer.tar"
  gz="$WORK/layer.tar.gz"
  # normalise modes: dirs 0755, files 0644 unless already executable
  find "$src" -type d -exec chmod 0755 {} +
  find "$src" -type f ! -perm -u+x -exec chmod 0644 {} +
  find "$src" -type f -perm -u+x -exec chmod 0755 {} +
  tar --create --file="$tarf" --directory="$src" \
      --format=gnu --sort=name --numeric-owner --owner=0 --group=0 \
      --mtime="$EPOCH_TS" --no-acls --no-xattrs --no-selinux \
      -- "${top[@]}"
  diffid="sha256:$(sha256sum "$tarf" | cut -d' ' -f1)"
  gzip -n -9 -c "$tarf" > "$gz"
  rm -f "$tarf"
  echo "$(put_blob "$layout" "$gz") $diffid"
}

# make_config LAYOUT ARCH VARIANT DIFFIDS_JSON HISTORY_JSON -> prints "DIGEST SIZE"
make_config() {
  local layout="$1" arch="$2" variant="$3" diffids="$4" history="$5" f
  f="$WORK/config.json"
  jq -cn --arg arch "$arch" --arg variant "$variant" --arg created "$EPOCH_ISO" \
        --argjson diffids "$diffids" --argjson history "$history" '
    {created: $created, architecture: $arch}
    + (if $variant == "" then {} else {variant: $variant} end)
    + {os: "linux",
       config: {Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
                Cmd: ["/bin/hello.sh"], WorkingDir: "/",
                Labels: {"org.opencontainers.image.title": "berth-e2e"}},
       rootfs: {type: "layers", diff_ids: $diffids},
       history: $history}' | tr -d '\n' > "$f"
  put_blob "$layout" "$f"
}

# make_manifest LAYOUT CONFIG_DIGEST CONFIG_SIZE LAYERS_JSON TITLE -> prints "DIGEST SIZE"
make_manifest() {
  local layout="$1" cdig="$2" csize="$3" layers="$4" title="$5" f
  f="$WORK/manifest.json"
  jq -cn --arg mt "$MT_MANIFEST" --arg cmt "$MT_CONFIG" --arg cdig "$cdig" \
        --argjson csize "$csize" --argjson layers "$layers" --arg title "$title" \
        --arg created "$EPOCH_ISO" '
    {schemaVersion: 2, mediaType: $mt,
     config: {mediaType: $cmt, digest: $cdig, size: $csize},
     layers: $layers,
     annotations: {"org.opencontainers.image.title": $title,
                   "org.opencontainers.image.created": $created}}' | tr -d '\n' > "$f"
  put_blob "$layout" "$f"
}

# layer_desc DIGEST SIZE -> descriptor JSON
layer_desc() {
  jq -cn --arg mt "$MT_LAYER" --arg d "$1" --argjson s "$2" '{mediaType: $mt, digest: $d, size: $s}'
}

# write_index_json LAYOUT MEDIATYPE DIGEST SIZE REF
write_index_json() {
  jq -cn --arg mt "$2" --arg d "$3" --argjson s "$4" --arg ref "$5" --arg imt "$MT_INDEX" '
    {schemaVersion: 2, mediaType: $imt,
     manifests: [{mediaType: $mt, digest: $d, size: $s,
                  annotations: {"org.opencontainers.image.ref.name": $ref}}]}' \
    | tr -d '\n' > "$1/index.json"
}

# build_image LAYOUT ARCH VARIANT TITLE SRCDIR... -> prints "MDIGEST MSIZE" and
# records layer digests in $WORK/last-layers.json
build_image() {
  local layout="$1" arch="$2" variant="$3" title="$4"; shift 4
  local layers="[]" diffids="[]" history="[]" i=0 src out d s dif cfg cd cs
  for src in "$@"; do
    i=$((i + 1))
    out="$(make_layer "$layout" "$src")"
    read -r d s dif <<< "$out"
    layers="$(jq -c --argjson x "$(layer_desc "$d" "$s")" '. + [$x]' <<< "$layers")"
    diffids="$(jq -c --arg x "$dif" '. + [$x]' <<< "$diffids")"
    history="$(jq -c --arg c "$EPOCH_ISO" --arg b "berth-e2e: layer $i ($(basename "$src"))" \
               '. + [{created: $c, created_by: $b}]' <<< "$history")"
  done
  cfg="$(make_config "$layout" "$arch" "$variant" "$diffids" "$history")"
  read -r cd cs <<< "$cfg"
  printf '%s' "$layers" > "$WORK/last-layers.json"
  printf '%s' "$cd" > "$WORK/last-config"
  make_manifest "$layout" "$cd" "$cs" "$layers" "$title"
}

# ---------------------------------------------------------------- layer sources

src() { rm -rf "$WORK/src/$1"; mkdir -p "$WORK/src/$1"; echo "$WORK/src/$1"; }

hello_script() {
  printf '#!/bin/sh\necho "hello from berth e2e image: %s"\n' "$1"
}

# (a) single-layer image
S1="$(src single-rootfs)"
mkdir -p "$S1/bin" "$S1/etc"
hello_script single > "$S1/bin/hello.sh"; chmod 0755 "$S1/bin/hello.sh"
printf 'NAME=berth-e2e\nIMAGE=single\nVERSION=1\n' > "$S1/etc/os-release"
det_bytes single-payload 65536 > "$S1/etc/payload.bin"

# (b) multi-layer image: base, data, change
M1="$(src multi-1-base)"
mkdir -p "$M1/bin" "$M1/etc" "$M1/usr/share/berth"
hello_script multi > "$M1/bin/hello.sh"; chmod 0755 "$M1/bin/hello.sh"
printf 'NAME=berth-e2e\nIMAGE=multi\nVERSION=1\n' > "$M1/etc/os-release"
for n in 1 2 3 4 5; do
  printf 'line %d of a compressible text file\n' $(seq 1 400) | sed "s/^/[$n] /" > "$M1/usr/share/berth/text-$n.txt"
done
ln -s ../../../bin/hello.sh "$M1/usr/share/berth/hello-link"
M2="$(src multi-2-data)"
mkdir -p "$M2/var/lib/berth" "$M2/tmp/scratch"
det_bytes multi-big 1572864 > "$M2/var/lib/berth/big.bin"   # 1.5 MiB, incompressible
printf 'to be removed by layer 3\n' > "$M2/tmp/scratch/remove-me.txt"
printf 'kept\n' > "$M2/tmp/scratch/keep-me.txt"
M3="$(src multi-3-change)"
mkdir -p "$M3/tmp/scratch" "$M3/etc"
: > "$M3/tmp/scratch/.wh.remove-me.txt"                       # whiteout
printf 'NAME=berth-e2e\nIMAGE=multi\nVERSION=2\n' > "$M3/etc/os-release"
det_bytes multi-small 4096 > "$M3/etc/small.bin"

# (c) index: shared base + per-arch layer
I0="$(src index-base)"
mkdir -p "$I0/bin" "$I0/etc"
hello_script index > "$I0/bin/hello.sh"; chmod 0755 "$I0/bin/hello.sh"
printf 'NAME=berth-e2e\nIMAGE=index\n' > "$I0/etc/os-release"
det_bytes index-base 32768 > "$I0/etc/base.bin"
IA="$(src index-amd64)"; mkdir -p "$IA/etc"
printf 'amd64\n' > "$IA/etc/arch"; det_bytes index-amd64 16384 > "$IA/etc/arch.bin"
IB="$(src index-arm64)"; mkdir -p "$IB/etc"
printf 'arm64\n' > "$IB/etc/arch"; det_bytes index-arm64 16384 > "$IB/etc/arch.bin"

# ---------------------------------------------------------------- assemble

summary="{}"

# (a)
L="$OUT/single"; init_layout "$L"
read -r md ms <<< "$(build_image "$L" amd64 "" "berth-e2e-single" "$S1")"
write_index_json "$L" "$MT_MANIFEST" "$md" "$ms" v1
summary="$(jq -c --arg d "$md" --arg c "$(cat "$WORK/last-config")" --argjson l "$(cat "$WORK/last-layers.json")" \
  '.single = {mediaType: "'"$MT_MANIFEST"'", digest: $d, config: $c, layers: [$l[].digest]}' <<< "$summary")"

# (b)
L="$OUT/multi"; init_layout "$L"
read -r md ms <<< "$(build_image "$L" amd64 "" "berth-e2e-multi" "$M1" "$M2" "$M3")"
write_index_json "$L" "$MT_MANIFEST" "$md" "$ms" v1
summary="$(jq -c --arg d "$md" --arg c "$(cat "$WORK/last-config")" --argjson l "$(cat "$WORK/last-layers.json")" \
  '.multi = {mediaType: "'"$MT_MANIFEST"'", digest: $d, config: $c, layers: [$l[].digest]}' <<< "$summary")"

# (c)
L="$OUT/index"; init_layout "$L"
read -r ad as <<< "$(build_image "$L" amd64 "" "berth-e2e-index-amd64" "$I0" "$IA")"
al="$(cat "$WORK/last-layers.json")"
read -r bd bs <<< "$(build_image "$L" arm64 v8 "berth-e2e-index-arm64" "$I0" "$IB")"
bl="$(cat "$WORK/last-layers.json")"
jq -cn --arg imt "$MT_INDEX" --arg mt "$MT_MANIFEST" \
      --arg ad "$ad" --argjson asz "$as" --arg bd "$bd" --argjson bsz "$bs" '
  {schemaVersion: 2, mediaType: $imt,
   manifests: [
     {mediaType: $mt, digest: $ad, size: $asz, platform: {architecture: "amd64", os: "linux"}},
     {mediaType: $mt, digest: $bd, size: $bsz, platform: {architecture: "arm64", os: "linux", variant: "v8"}}],
   annotations: {"org.opencontainers.image.title": "berth-e2e-index"}}' | tr -d '\n' > "$WORK/index-manifest.json"
read -r id is <<< "$(put_blob "$L" "$WORK/index-manifest.json")"
write_index_json "$L" "$MT_INDEX" "$id" "$is" v1
summary="$(jq -c --arg d "$id" --arg ad "$ad" --arg bd "$bd" --argjson al "$al" --argjson bl "$bl" '
  .index = {mediaType: "'"$MT_INDEX"'", digest: $d,
            children: [{platform: "linux/amd64", digest: $ad, layers: [$al[].digest]},
                       {platform: "linux/arm64/v8", digest: $bd, layers: [$bl[].digest]}]}' <<< "$summary")"

jq . <<< "$summary" > "$OUT/summary.json"

# ---------------------------------------------------------------- self-check
# every blob's name is its digest, every referenced blob exists
for L in "$OUT/single" "$OUT/multi" "$OUT/index"; do
  for b in "$L"/blobs/sha256/*; do
    [ "$(sha256sum "$b" | cut -d' ' -f1)" = "$(basename "$b")" ] || { echo "$0: bad blob $b" >&2; exit 1; }
  done
  # walk index.json -> index/manifest -> config + layers
  todo="$(jq -r '.manifests[].digest' "$L/index.json")"
  while [ -n "$todo" ]; do
    next=""
    for d in $todo; do
      f="$L/blobs/sha256/${d#sha256:}"
      [ -f "$f" ] || { echo "$0: $L references missing blob $d" >&2; exit 1; }
      next="$next $(jq -r '(.manifests // [])[].digest, (.config.digest // empty), (.layers // [])[].digest' "$f")"
    done
    todo="$(xargs <<< "$next")"
    # config and layer blobs are leaves: check them and drop them from the walk
    leaves=""
    for d in $todo; do
      f="$L/blobs/sha256/${d#sha256:}"
      [ -f "$f" ] || { echo "$0: $L references missing blob $d" >&2; exit 1; }
      jq -e 'has("schemaVersion")' "$f" >/dev/null 2>&1 && leaves="$leaves $d"
    done
    todo="$(xargs <<< "$leaves")"
  done
done

echo "built OCI layouts in $OUT:"
for n in single multi index; do
  printf '  %-7s %s  (%s blobs)\n' "$n" "$(jq -r ".$n.digest" "$OUT/summary.json")" \
    "$(find "$OUT/$n/blobs/sha256" -type f | wc -l)"
done
