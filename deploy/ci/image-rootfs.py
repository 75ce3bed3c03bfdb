#!/usr/bin/python3
"""What a container runtime does with a docker-save image tarball, for deploy/ci/image-test.sh (no engine here).

  image-rootfs.py unpack IMAGE.tar ROOT   layers in manifest order into ROOT (empty or absent), each checked against
                                          its diff_id, whiteouts honoured (.wh.NAME removes NAME, .wh..wh..opq
                                          empties the directory of what lower layers put there); a path is resolved
                                          inside ROOT (absolute symlinks point into ROOT), so nothing lands outside it
  image-rootfs.py config IMAGE.tar        the image config as bash assignments: IMG_ENTRYPOINT, IMG_CMD, IMG_ENV
                                          (arrays), IMG_WORKDIR, IMG_USER, IMG_PORTS, IMG_VOLUMES
  image-rootfs.py ids ROOT USER           "uid gid" of USER (name, uid, name:group or uid:gid) in ROOT's passwd/group
  image-rootfs.py run ROOT --user U [--workdir D] [--env K=V]... -- ARGV...
                                          chroot ROOT, chdir D, drop to U (its groups from ROOT's /etc/group),
                                          exec ARGV with exactly the given environment (HOME from passwd if unset)
  image-rootfs.py self-test               the unpacker on synthetic layers: whiteouts, opaque dirs, escapes
Exit 1 with a message naming the problem.
"""
import gzip
import hashlib
import io
import json
import os
import shlex
import shutil
import stat
import sys
import tarfile
import tempfile

WH = ".wh."
OPAQUE = ".wh..wh..opq"


# Paths are made safe above (resolve); newer Pythons would also filter, and warn when not told.
TRUSTED = {"filter": "fully_trusted"} if hasattr(tarfile, "fully_trusted_filter") else {}


class Bad(Exception):
    pass


def read_image(path):
    """(config dict, [(layer member name, diff_id)]) of a docker-save tarball."""
    try:
        outer = tarfile.open(path, "r:")
    except (OSError, tarfile.TarError) as e:
        raise Bad(f"{path}: not a tar archive ({e})")
    with outer:
        try:
            manifest = json.load(outer.extractfile("manifest.json"))
        except KeyError:
            raise Bad(f"{path}: no manifest.json (not a docker-save tarball; OCI layouts are not read here)")
        if not isinstance(manifest, list) or len(manifest) != 1:
            raise Bad(f"{path}: manifest.json must describe exactly one image")
        entry = manifest[0]
        try:
            config = json.load(outer.extractfile(entry["Config"]))
        except (KeyError, TypeError):
            raise Bad(f"{path}: manifest.json names no readable Config")
        layers = entry.get("Layers") or []
        diff_ids = config.get("rootfs", {}).get("diff_ids") or []
        if not layers or len(layers) != len(diff_ids):
            raise Bad(f"{path}: {len(layers)} layers in manifest.json but {len(diff_ids)} diff_ids in the config")
        return config, list(zip(layers, diff_ids))


def layer_bytes(outer, name, diff_id):
    """The uncompressed layer, checked against its diff_id."""
    try:
        raw = outer.extractfile(name).read()
    except (KeyError, AttributeError):
        raise Bad(f"layer {name} named in manifest.json is missing from the tarball")
    data = gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw
    got = "sha256:" + hashlib.sha256(data).hexdigest()
    if got != diff_id:
        raise Bad(f"layer {name}: content is {got}, the config says {diff_id}")
    return data


def clean(name):
    """An archive member name as a relative path without . or .. (.. is refused)."""
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise Bad(f"member '{name}' climbs out with '..'")
    return parts


def resolve(root, parts, follow_last=False):
    """The host path of ROOT/parts with every symlink (but the last, unless follow_last) resolved inside ROOT."""
    done = []
    todo = list(parts)
    hops = 0
    while todo:
        part = todo.pop(0)
        if part == "..":
            if done:
                done.pop()
            continue
        here = os.path.join(root, *done, part)
        if os.path.islink(here) and (todo or follow_last):
            hops += 1
            if hops > 40:
                raise Bad(f"too many symlinks under {os.path.join(root, *parts)}")
            target = os.readlink(here)
            if target.startswith("/"):
                done = []
            todo = [p for p in target.split("/") if p not in ("", ".")] + todo
            continue
        done.append(part)
    path = os.path.join(root, *done)
    real_root = os.path.realpath(root)
    if os.path.commonpath([real_root, os.path.realpath(os.path.dirname(path) or root)]) != real_root:
        raise Bad(f"{'/'.join(parts)} resolves outside the root")
    return path


def remove(path):
    if os.path.islink(path) or not os.path.isdir(path):
        if os.path.lexists(path):
            os.unlink(path)
    else:
        shutil.rmtree(path)


def apply_layer(root, data, label):
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as tar:
        members = tar.getmembers()
        # Opaque directories first: they hide what the lower layers put there, not what this layer adds.
        for m in members:
            parts = clean(m.name)
            if parts and parts[-1] == OPAQUE:
                d = resolve(root, parts[:-1], follow_last=True)
                if os.path.isdir(d):
                    for child in os.listdir(d):
                        remove(os.path.join(d, child))
        for m in members:
            parts = clean(m.name)
            if not parts or parts[-1] == OPAQUE:
                continue
            if parts[-1].startswith(WH):
                target = resolve(root, parts[:-1] + [parts[-1][len(WH):]])
                if os.path.lexists(target):
                    remove(target)
                continue
            dest = resolve(root, parts)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            if os.path.lexists(dest) and not (m.isdir() and os.path.isdir(dest) and not os.path.islink(dest)):
                remove(dest)
            m2 = tarfile.TarInfo(os.path.relpath(dest, root))
            for attr in ("size", "mode", "type", "uid", "gid", "uname", "gname", "mtime", "devmajor", "devminor",
                         "linkname", "pax_headers"):
                setattr(m2, attr, getattr(m, attr))
            m2.offset_data = m.offset_data
            m2.offset = m.offset
            if m.islnk():
                m2.linkname = os.path.relpath(resolve(root, clean(m.linkname)), root)
            try:
                tar.extract(m2, root, set_attrs=True, numeric_owner=True, **TRUSTED)
            except (OSError, tarfile.TarError) as e:
                raise Bad(f"{label}: cannot write {m.name}: {e}")


def unpack(image, root):
    config, layers = read_image(image)
    if os.path.exists(root) and os.listdir(root):
        raise Bad(f"{root} is not empty: unpack into a fresh directory")
    os.makedirs(root, mode=0o755, exist_ok=True)
    with tarfile.open(image, "r:") as outer:
        for i, (name, diff_id) in enumerate(layers):
            apply_layer(root, layer_bytes(outer, name, diff_id), f"layer {i + 1}/{len(layers)} ({name})")
    print(f"unpacked {len(layers)} layers into {root}")


def config(image):
    cfg, _ = read_image(image)
    c = cfg.get("config") or {}

    def arr(name, values):
        print(f"{name}=(" + " ".join(shlex.quote(str(v)) for v in values or []) + ")")

    arr("IMG_ENTRYPOINT", c.get("Entrypoint"))
    arr("IMG_CMD", c.get("Cmd"))
    arr("IMG_ENV", c.get("Env"))
    arr("IMG_PORTS", sorted((c.get("ExposedPorts") or {}).keys()))
    arr("IMG_VOLUMES", sorted((c.get("Volumes") or {}).keys()))
    print("IMG_WORKDIR=" + shlex.quote(c.get("WorkingDir") or "/"))
    print("IMG_USER=" + shlex.quote(c.get("User") or "0:0"))


def table(root, name):
    rows = []
    try:
        with open(os.path.join(root, "etc", name), encoding="utf-8") as f:
            for line in f:
                if line.strip() and not line.startswith("#"):
                    rows.append(line.rstrip("\n").split(":"))
    except FileNotFoundError:
        pass
    return rows


def ids(root, user):
    """(uid, gid, home, [groups]) of a container User string, looked up in the image's own files."""
    passwd, group = table(root, "passwd"), table(root, "group")
    name, _, grp = user.partition(":")
    row = next((r for r in passwd if r[0] == name or (name.isdigit() and r[2] == name)), None)
    if row is None and not name.isdigit():
        raise Bad(f"user '{name}' is not in the image's /etc/passwd")
    uid = int(row[2]) if row else int(name)
    gid = int(row[3]) if row else 0
    home = row[5] if row else "/"
    if grp:
        g = next((r for r in group if r[0] == grp or (grp.isdigit() and r[2] == grp)), None)
        if g is None and not grp.isdigit():
            raise Bad(f"group '{grp}' is not in the image's /etc/group")
        gid = int(g[2]) if g else int(grp)
    uname = row[0] if row else None
    extra = sorted({int(r[2]) for r in group if uname and len(r) > 3 and uname in r[3].split(",")} | {gid})
    return uid, gid, home, extra


def run(argv):
    root, user, workdir, env = None, "0:0", "/", {}
    i = 0
    while i < len(argv) and argv[i] != "--":
        a = argv[i]
        if a == "--user":
            user = argv[i + 1]
            i += 2
        elif a == "--workdir":
            workdir = argv[i + 1]
            i += 2
        elif a == "--env":
            k, _, v = argv[i + 1].partition("=")
            env[k] = v
            i += 2
        elif root is None:
            root = a
            i += 1
        else:
            raise Bad(f"run: unexpected '{a}'")
    cmd = argv[i + 1:]
    if root is None or not cmd:
        raise Bad("run: usage: run ROOT --user U [--workdir D] [--env K=V]... -- ARGV...")
    uid, gid, home, groups = ids(root, user)
    env.setdefault("HOME", home)
    env.setdefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
    os.chroot(root)
    try:
        os.chdir(workdir)
    except OSError as e:
        raise Bad(f"working directory {workdir} in the image: {e}")
    os.setgroups(groups)
    os.setgid(gid)
    os.setuid(uid)
    try:
        os.execvpe(cmd[0], cmd, env)
    except OSError as e:
        raise Bad(f"cannot exec {cmd[0]} in the image: {e}")


def self_test():
    def layer(entries):
        buf = io.BytesIO()
        with tarfile.open(fileobj=buf, mode="w:", format=tarfile.PAX_FORMAT) as t:
            for name, kind, arg in entries:
                ti = tarfile.TarInfo(name)
                if kind == "dir":
                    ti.type, ti.mode = tarfile.DIRTYPE, 0o755
                    t.addfile(ti)
                elif kind == "link":
                    ti.type, ti.linkname = tarfile.SYMTYPE, arg
                    t.addfile(ti)
                else:
                    data = arg.encode()
                    ti.size, ti.mode = len(data), 0o644
                    t.addfile(ti, io.BytesIO(data))
        return buf.getvalue()

    with tempfile.TemporaryDirectory() as tmp:
        root = os.path.join(tmp, "root")
        os.mkdir(root)
        apply_layer(root, layer([("a", "dir", None), ("a/b", "file", "1"), ("a/c", "file", "1"), ("d", "dir", None),
                                 ("d/e", "file", "1"), ("f", "file", "1"), ("up", "link", "/"),
                                 ("usr", "dir", None), ("bin", "link", "usr")]), "lower")
        apply_layer(root, layer([("a/.wh.b", "file", ""), ("d/.wh..wh..opq", "file", ""), ("d/n", "file", "2"),
                                 ("f", "dir", None), ("up/escaped", "file", "x"), ("bin/tool", "file", "t"),
                                 ("./c", "file", "3")]), "upper")
        checks = {
            "whiteout removes a/b": not os.path.lexists(f"{root}/a/b"),
            "whiteout keeps a/c": os.path.isfile(f"{root}/a/c"),
            "opaque dir hides d/e": not os.path.lexists(f"{root}/d/e"),
            "opaque dir keeps this layer's d/n": os.path.isfile(f"{root}/d/n"),
            "no whiteout file left": not any(n.startswith(WH) for _, _, fs in os.walk(root) for n in fs),
            "dir replaces file f": os.path.isdir(f"{root}/f"),
            "absolute symlink resolves inside the root": os.path.isfile(f"{root}/escaped")
            and not os.path.exists(f"{tmp}/escaped"),
            "relative directory symlink followed": os.path.isfile(f"{root}/usr/tool"),
            "./ prefix": os.path.isfile(f"{root}/c"),
        }
        for bad in (layer([("../out", "file", "x")]),):
            try:
                apply_layer(root, bad, "hostile")
                checks["'..' refused"] = False
            except Bad:
                checks["'..' refused"] = not os.path.exists(f"{tmp}/out")
    failed = [k for k, ok in checks.items() if not ok]
    for k, ok in checks.items():
        print(("ok    " if ok else "FAIL  ") + k)
    if failed:
        raise Bad("unpacker self-test failed: " + ", ".join(failed))


def main(argv):
    try:
        if len(argv) == 3 and argv[0] == "unpack":
            unpack(argv[1], argv[2])
        elif len(argv) == 2 and argv[0] == "config":
            config(argv[1])
        elif len(argv) == 3 and argv[0] == "ids":
            uid, gid, _, _ = ids(argv[1], argv[2])
            print(uid, gid)
        elif argv and argv[0] == "run":
            run(argv[1:])
        elif argv == ["self-test"]:
            self_test()
        else:
            print(__doc__, file=sys.stderr)
            return 64
    except Bad as e:
        print(f"image-rootfs: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
