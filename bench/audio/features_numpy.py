"""The NumPy/SciPy half of bench/audio/run.sh: clips per second of the same log-mel and MFCC features Lepton computes
(the definitions of tools/fixtures/audio_features.py, vectorised over frames: one batched rfft and one matrix product per
clip), on one thread, and 44.1 kHz clips through scipy.signal.resample_poly first. Prints one RESULT {json} line.
Run with Debian's python: OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/audio/features_numpy.py [clips] [seconds]"""
import json
import sys
import time
import numpy as np
import scipy.fft
import scipy.signal

clips = int(sys.argv[1]) if len(sys.argv) > 1 else 200
seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 1.0
SR, N_FFT, HOP, N_MELS, N_MFCC = 16000, 512, 160, 40, 13


def mel_filterbank():
    hz_to_mel = lambda f: 2595.0 * np.log10(1.0 + f / 700.0)
    pts = 700.0 * (10.0 ** (np.linspace(hz_to_mel(20.0), hz_to_mel(7600.0), N_MELS + 2) / 2595.0) - 1.0)
    bins = np.arange(N_FFT // 2 + 1) * SR / N_FFT
    fb = np.zeros((N_FFT // 2 + 1, N_MELS))
    for m in range(N_MELS):
        fb[:, m] = np.maximum(0, np.minimum((bins - pts[m]) / (pts[m + 1] - pts[m]), (pts[m + 2] - bins) / (pts[m + 2] - pts[m + 1])))
    return fb


FB = mel_filterbank()
WINDOW = scipy.signal.get_window("hann", N_FFT, fftbins=True)


def log_mel(x):
    xp = np.pad(x.astype(np.float64), N_FFT // 2, mode="reflect")
    frames = np.lib.stride_tricks.sliding_window_view(xp, N_FFT)[::HOP]  # (T, n_fft)
    power = np.abs(np.fft.rfft(frames * WINDOW, axis=1)) ** 2
    return np.log(power @ FB + 1e-6)


def rate(fn, data):
    for x in data[:10]:
        fn(x)
    best = 0.0
    for _ in range(3):  # best of three passes, as the Lepton half
        start = time.process_time()
        for x in data:
            fn(x)
        best = max(best, len(data) / (time.process_time() - start))
    return best


rng = np.random.default_rng(1)
def clip(sr):
    t = np.arange(int(seconds * sr)) / sr
    return (0.3 * np.sin(2 * np.pi * 440 * t) + 0.05 * (2 * rng.random(len(t)) - 1)).astype(np.float32)


at16 = [clip(16000) for _ in range(clips)]
at44 = [clip(44100) for _ in range(max(1, clips // 4))]
lm = rate(log_mel, at16)
mf = rate(lambda x: scipy.fft.dct(log_mel(x), type=2, norm="ortho", axis=1)[:, :N_MFCC], at16)
rs = rate(lambda x: log_mel(scipy.signal.resample_poly(x, 160, 441)), at44)
print(f"NumPy/SciPy, one thread, {seconds:g} s clips: log-mel {lm:.0f} clips/s, MFCC {mf:.0f} clips/s, 44.1 kHz resampled + log-mel {rs:.0f} clips/s")
print("RESULT " + json.dumps({"log_mel": round(lm, 1), "mfcc": round(mf, 1), "resample_log_mel": round(rs, 1)}))
