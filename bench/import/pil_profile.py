# CPU per image of each Pillow step on one process (the Pillow half of `Lepton.Bench import-profile`).
#   /usr/bin/python3 bench/import/pil_profile.py DIR
import sys, time, glob
from PIL import Image
import io
files = sorted(glob.glob(sys.argv[1] + '/*/*.jpg'))[:2000]
data = [open(f,'rb').read() for f in files]
def t(name, fn):
    c = time.process_time()
    for d in data: fn(d)
    print(f"  {name:36} {(time.process_time()-c)*1e6/len(data):8.0f} us")
t("pil decode full", lambda d: Image.open(io.BytesIO(d)).load())
def draft(d):
    im = Image.open(io.BytesIO(d)); im.draft('RGB', (64,64)); im.load(); return im
t("pil decode draft", draft)
t("pil draft+convert+resize", lambda d: draft(d).convert('RGB').resize((64,64), Image.BILINEAR).tobytes())
t("pil full+convert+resize", lambda d: Image.open(io.BytesIO(d)).convert('RGB').resize((64,64), Image.BILINEAR).tobytes())
