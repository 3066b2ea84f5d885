#!/usr/bin/python3
"""Synthesizes a small spoken-keyword data set with espeak-ng (voices, speeds, pitches) and sox (noise, reverberation):
the 10 commands yes, no, up, down, left, right, on, off, stop, go; `unknown` (other words) and `silence` (noise only);
1 s clips at 16 kHz, 16-bit mono, in OUT/<label>/<speaker>_<n>.wav, with OUT/manifest.csv (path,label,speaker). The
speaker column is the espeak-ng voice (language variant + voice variant), so `lepton data split --group-column speaker`
can hold voices out; silence clips get speakers noise-0..noise-V-1 so they spread over the splits like the voices do.

    /usr/bin/python3 bench/audio/make_keywords.py [OUT] [--voices 12] [--takes 3] [--seed 7] [--jobs 2]
    ./lepton data import OUT/manifest.csv --name keywords
    ./lepton data split keywords --test 0.2 --validation 0.1 --group-column speaker

Installs espeak-ng and sox with apt-get when they are missing (never run by the tests: they make their own WAVs).
Every choice comes from one seeded generator, so the same arguments give the same list of clips and settings (espeak-ng
and sox versions decide the exact samples)."""
import argparse
import concurrent.futures
import os
import random
import shutil
import subprocess
import sys
import tempfile

COMMANDS = ["yes", "no", "up", "down", "left", "right", "on", "off", "stop", "go"]
UNKNOWN = ["bed", "bird", "cat", "dog", "happy", "house", "tree", "wow", "zero", "one", "two", "three", "four", "five",
           "six", "seven", "eight", "nine", "learn", "follow", "forward", "backward", "visual", "marvin", "sheila"]
LANGUAGES = ["en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-gb-x-gbclan", "en-gb-x-gbcwmd", "en-029"]
VARIANTS = ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5", "croak", "klatt", "klatt2", "klatt3"]
RATE = 16000


def ensure_tools():
    missing = [t for t in ("espeak-ng", "sox") if shutil.which(t) is None]
    if not missing:
        return
    print(f"installing {' '.join(missing)} with apt-get", file=sys.stderr)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(sudo + ["apt-get", "install", "-y", "-q"] + missing, check=True)


def run(cmd):
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def speech_clip(job, tmp):
    """espeak-ng -> 16 kHz mono, silence trimmed, optional reverb, placed at a random offset in 1 s, mixed with noise."""
    raw, speech, noise = (os.path.join(tmp, f"{job['id']}-{s}.wav") for s in ("raw", "speech", "noise"))
    run(["espeak-ng", "-v", job["voice"], "-s", str(job["speed"]), "-p", str(job["pitch"]), "-w", raw, job["word"]])
    effects = ["silence", "1", "0.02", "0.5%", "reverse", "silence", "1", "0.02", "0.5%", "reverse"]
    if job["reverb"]:
        effects += ["reverb", str(job["reverb"])]
    effects += ["norm", str(-job["headroom"]), "pad", f"{job['offset']:.3f}", "1", "trim", "0", "1.0"]
    run(["sox", raw, "-r", str(RATE), "-c", "1", "-b", "16", speech] + effects)
    run(["sox", "-n", "-r", str(RATE), "-c", "1", "-b", "16", noise, "synth", "1.0", job["noise"], "vol", f"{job['noise_vol']:.4f}"])
    # -v 1 on each input: sox -m would otherwise halve both to avoid clipping, and the speech level is already chosen.
    run(["sox", "-m", "-v", "1", speech, "-v", "1", noise, "-b", "16", job["out"], "trim", "0", "1.0"])
    for f in (raw, speech, noise):
        os.remove(f)


def silence_clip(job, tmp):
    run(["sox", "-n", "-r", str(RATE), "-c", "1", "-b", "16", job["out"], "synth", "1.0", job["noise"], "vol", f"{job['noise_vol']:.4f}"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", nargs="?", default="/tmp/lepton-keywords")
    ap.add_argument("--voices", type=int, default=12, help="distinct speakers (language + voice variant)")
    ap.add_argument("--takes", type=int, default=3, help="clips of each command per voice")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--jobs", type=int, default=2)
    args = ap.parse_args()
    ensure_tools()
    rng = random.Random(args.seed)
    pairs = [(l, v) for l in LANGUAGES for v in VARIANTS]
    rng.shuffle(pairs)
    voices = [f"{l}+{v}" for l, v in pairs[:args.voices]]
    jobs = []

    def noise():
        return rng.choice(["whitenoise", "pinknoise", "brownnoise"]), 10 ** rng.uniform(-3.3, -1.6)

    for voice in voices:
        words = [(w, w) for w in COMMANDS for _ in range(args.takes)] + [(rng.choice(UNKNOWN), "unknown") for _ in range(args.takes)]
        for n, (word, label) in enumerate(words):
            kind, vol = noise()
            jobs.append({"kind": "speech", "word": word, "label": label, "speaker": voice, "voice": voice,
                         "speed": rng.randint(120, 200), "pitch": rng.randint(25, 75),
                         "reverb": rng.choice([0, 0, 20, 50]), "headroom": rng.uniform(1, 12), "offset": rng.uniform(0.0, 0.3),
                         "noise": kind, "noise_vol": vol, "n": n})
    for v in range(args.voices):
        for k in range(args.takes):
            kind, _ = noise()
            # Background only, loud enough not to be digital silence (inspection's silence is below -50 dBFS).
            jobs.append({"kind": "silence", "label": "silence", "speaker": f"noise-{v}", "noise": kind, "noise_vol": 10 ** rng.uniform(-1.6, -1.0), "n": k})
    os.makedirs(args.out, exist_ok=True)
    rows = ["path,label,speaker"]
    for i, job in enumerate(jobs):
        job["id"] = i
        safe = job["speaker"].replace("+", "_")
        rel = f"{job['label']}/{safe}_{job['n']}.wav"
        job["out"] = os.path.join(args.out, rel)
        os.makedirs(os.path.dirname(job["out"]), exist_ok=True)
        rows.append(f"{rel},{job['label']},{job['speaker']}")
    with tempfile.TemporaryDirectory() as tmp:
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
            done = 0
            for f in concurrent.futures.as_completed([pool.submit(speech_clip if j["kind"] == "speech" else silence_clip, j, tmp) for j in jobs]):
                f.result()
                done += 1
                if done % 100 == 0:
                    print(f"{done}/{len(jobs)} clips", file=sys.stderr)
    with open(os.path.join(args.out, "manifest.csv"), "w") as f:
        f.write("\n".join(rows) + "\n")
    print(f"wrote {len(jobs)} clips ({len(voices)} voices, {len(COMMANDS)} commands + unknown + silence) and {args.out}/manifest.csv")


if __name__ == "__main__":
    main()
