#!/usr/bin/python3
# pipeline.py: thads-vidscan's analysis written as a short python3-opencv
# script (Debian's python3-opencv), the benchmark's peer.  Same steps,
# same default settings: a broken-block check on 4x4 samples of each
# 16x16 block, camera shake by phase correlation at half the analysis
# size, MOG2 on the frame shrunk to 320 pixels, shadows
# dropped, two-frame persistence, opening and closing, blobs from 0.2 %
# of the frame; flame colour and flicker; a slow background for smoke;
# Farneback flow at 160 pixels; HOG every second on regions around
# motion enlarged 1.5 times; contrast, sharpness and edges for tamper.
#
#	pipeline.py [--decode-only] [--no-people] [--people-every-frame] FILE
#
# Prints "frames N seconds S" on stdout.  It counts nothing; its only
# purpose is the time it takes.
import sys
import time

import cv2
import numpy as np


def main():
    args = sys.argv[1:]
    decode = "--decode-only" in args
    people = "--no-people" not in args
    every_frame = "--people-every-frame" in args
    path = [a for a in args if not a.startswith("--")][0]
    cap = cv2.VideoCapture(path)
    fps = cap.get(cv2.CAP_PROP_FPS) or 25
    mog = cv2.createBackgroundSubtractorMOG2(int(30 * fps), 16, True)
    hog = cv2.HOGDescriptor()
    hog.setSVMDetector(cv2.HOGDescriptor_getDefaultPeopleDetector())
    k3 = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    k5 = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    prev_fg = prev_flow_g = prev_flow = slow = fire_freq = None
    fire_flick = fire_luma = hann = ref = None
    n, last_people, t0 = 0, -1e9, time.time()
    while True:
        ok, frame = cap.read()
        if not ok:
            break
        n += 1
        if decode:
            continue
        pts = n / fps
        h, w = frame.shape[:2]
        aw = 320
        ah = int(round(h * aw / w)) & ~1
        # broken blocks
        bw, bh = w // 16, h // 16
        smp = cv2.resize(frame[:bh * 16, :bw * 16], (bw * 4, bh * 4),
                         interpolation=cv2.INTER_NEAREST)
        g = cv2.cvtColor(smp, cv2.COLOR_BGR2GRAY).astype(np.float32)
        bm = cv2.resize(g, (bw, bh), interpolation=cv2.INTER_AREA)
        bm2 = cv2.resize(g * g, (bw, bh), interpolation=cv2.INTER_AREA)
        flat = (bm2 - bm * bm) < 1.0
        small = cv2.resize(frame, (aw, ah), interpolation=cv2.INTER_AREA)
        luma = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
        # shake
        half = cv2.resize(luma, (aw // 2, ah // 2),
                          interpolation=cv2.INTER_AREA).astype(np.float32)
        if hann is None:
            hann = cv2.createHanningWindow((aw // 2, ah // 2), cv2.CV_32F)
            ref = half
        (sx, sy), resp = cv2.phaseCorrelate(ref, half, hann)
        if resp > 0.1 and 0.25 < abs(sx) + abs(sy) < 8:
            M = np.float32([[1, 0, -2 * sx], [0, 1, -2 * sy]])
            small = cv2.warpAffine(small, M, (aw, ah),
                                   borderMode=cv2.BORDER_REPLICATE)
        # motion
        fg = mog.apply(small, None, 1 / (30 * fps))
        now = fg > 200
        held = now if prev_fg is None else now & cv2.dilate(
            prev_fg.astype(np.uint8), k3).astype(bool)
        prev_fg = now
        held = cv2.morphologyEx(held.astype(np.uint8) * 255, cv2.MORPH_OPEN, k3)
        held = cv2.morphologyEx(held, cv2.MORPH_CLOSE, k5, iterations=2)
        nl, lab, stats, _ = cv2.connectedComponentsWithStats(held)
        blobs = [stats[i] for i in range(1, nl)
                 if stats[i][4] >= 0.002 * aw * ah]
        # fire
        b, g, r = cv2.split(small)
        cand = (r >= 170) & (r >= g) & (g > b) & (cv2.subtract(r, b) >= 60)
        if fire_freq is None:
            fire_freq = np.zeros(luma.shape, np.float32)
            fire_flick = np.zeros(luma.shape, np.float32)
            fire_luma = luma
        jump = (cv2.absdiff(luma, fire_luma) > 12) & cand
        fire_luma = luma
        cv2.accumulateWeighted(cand.astype(np.float32), fire_freq, 0.18)
        cv2.accumulateWeighted(jump.astype(np.float32), fire_flick, 0.18)
        firepx = (fire_freq > 0.4) & (fire_flick > 0.15)
        # smoke
        lf = luma.astype(np.float32)
        if slow is None:
            slow = lf.copy()
        tex = cv2.boxFilter(np.abs(cv2.Sobel(lf, cv2.CV_32F, 1, 0)) +
                            np.abs(cv2.Sobel(lf, cv2.CV_32F, 0, 1)), -1, (7, 7))
        smoke = (cv2.absdiff(lf, slow) > 8) & \
            (cv2.cvtColor(small, cv2.COLOR_BGR2HSV)[..., 1] < 80)
        cv2.accumulateWeighted(lf, slow, 0.002)
        # flow
        fl = cv2.resize(luma, (160, int(160 * ah / aw)),
                        interpolation=cv2.INTER_AREA)
        if prev_flow_g is not None and blobs:
            flow = cv2.calcOpticalFlowFarneback(prev_flow_g, fl, None, 0.5, 3,
                                                11, 2, 5, 1.1, 0)
            if prev_flow is not None:
                np.abs(flow - prev_flow).mean()
            prev_flow = flow
        prev_flow_g = fl
        # people
        if people and (every_frame or pts - last_people >= 1):
            last_people = pts
            sx, sy = w / aw, h / ah
            rois = [(0, 0, w, h)] if every_frame else [
                (int(max(0, (x - ww / 2) * sx)), int(max(0, (y - hh * .3) * sy)),
                 int(min(w, (x + ww * 1.5) * sx)), int(min(h, (y + hh * 1.3) * sy)))
                for x, y, ww, hh, _ in blobs]
            for x0, y0, x1, y1 in rois:
                if x1 - x0 < 48 or y1 - y0 < 90:
                    continue
                crop = cv2.resize(frame[y0:y1, x0:x1], None, fx=1.5, fy=1.5)
                hog.detectMultiScale(crop, winStride=(8, 8), padding=(8, 8),
                                     scale=1.05)
        # tamper
        m, sd = cv2.meanStdDev(luma)
        np.abs(cv2.Laplacian(luma, cv2.CV_32F)).mean()
        cv2.Canny(luma, 60, 150)
    print("frames %d seconds %.2f" % (n, time.time() - t0))


main()
