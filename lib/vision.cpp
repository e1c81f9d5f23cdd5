/*
 * vision.cpp: the OpenCV shim of vision.h, the only THADS file that
 * includes an OpenCV header.
 *
 * Every entry point runs its body inside guard(), which catches every
 * exception and turns it into a THADS_E* code and a message, so that no
 * C++ exception ever reaches the C callers.  The shim measures; the C
 * detectors (lib/vid*.c) decide what is an event.
 *
 * The analyser works on a copy of each frame shrunk to motion.width
 * pixels across; only the people detector looks at full resolution, in
 * regions around motion and around people already seen, because HOG
 * loses most people on a shrunk frame.  Per frame, in order:
 *
 *   1. broken frame check (flat grey or green blocks, as left by packet
 *      loss), on the full frame, 16x16 blocks;
 *   2. lighting: a sudden change of most pixels the same way resets
 *      the motion background (and only it); slow gain changes are
 *      divided out against a reference;
 *   3. camera shake: the global shift against a reference frame, found
 *      by phase correlation, is removed before background subtraction;
 *   4. MOG2 background subtraction, shadows dropped, a pixel must stay
 *      foreground motion.persist frames (rain, speckle), opening and
 *      closing, masks and learned static overlays, blobs by area;
 *   5. fire: flame colour (R >= G > B, red above a floor) held at a place
 *      with a flickering brightness;
 *   6. smoke: a slow change from a slow background, towards grey, that
 *      loses texture, held at a place, not a fast mover's wake;
 *   7. flow: Farneback dense flow per blob: speed, jerk (change of flow
 *      between frames) and disorder of direction;
 *   8. people: HOG on enlarged full-resolution regions;
 *   9. tamper: contrast, edge energy and edge overlap with a reference.
 */
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

#include <strings.h>
#include <sys/stat.h>

extern "C" {
#include <libavutil/log.h>
}
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/objdetect.hpp>
#include <opencv2/video.hpp>
#include <opencv2/videoio.hpp>

#include "thads.h"
#include "vision.h"

/*
 * The largest frame analysed, in pixels: 8K UHD (7680 x 4320).  A few
 * megabytes of video can declare or hold far larger frames, each of
 * which FFmpeg and OpenCV would then hold whole, several at a time, so
 * such a video is refused as bad data instead of exhausting memory.
 */
#define MAX_FRAME_PIXELS (7680L * 4320L)

/*
 * thads_seterr() lives in libthads.a, which the linker has passed by the
 * time it reads this archive; the shim fills the record itself.
 */
static int
seterr(struct thads_err *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int
seterr(struct thads_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	err->file[0] = '\0';
	err->line = 0;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

/* Run f, turning any exception into a code. */
template <typename F>
static int
guard(struct thads_err *err, const char *what, F f)
{
	try {
		return f();
	} catch (const std::bad_alloc &) {
		return seterr(err, THADS_ENOMEM, "%s: out of memory", what);
	} catch (const cv::Exception &e) {
		return seterr(err, THADS_ELIB, "%s: opencv: %s", what,
		    e.err.c_str());
	} catch (const std::exception &e) {
		return seterr(err, THADS_ELIB, "%s: %s", what, e.what());
	} catch (...) {
		return seterr(err, THADS_ESOFTWARE, "%s: unknown exception",
		    what);
	}
}

/*
 * FFmpeg reports each decoder error through av_log(); OpenCV keeps
 * them to itself.  The shim takes the log over (printing nothing) and
 * counts the errors, so that a frame decoded with errors is known to be
 * broken.  The count is process-wide: with several streams (watch mode)
 * an error is charged to whichever read sees it first.
 * XXX: a frame that only refers to a broken one (the smear until the
 * next key frame) decodes without error and is not caught here; see
 * event.corrupt-hold.
 */
static std::atomic<long> decode_errors(0);

static void
av_hook(void *avcl, int level, const char *fmt, va_list ap)
{
	(void)avcl;
	(void)fmt;
	(void)ap;
	if (level <= AV_LOG_ERROR)
		decode_errors++;
}

/* ---- Sources. ---- */

struct thads_vsrc {
	cv::VideoCapture cap;
	cv::Mat still;		/* a picture: its one frame */
	int	 still_done;
	struct thads_vsrc_info info;
	long	 index;
	double	 lastpts;
};

struct thads_vframe {
	cv::Mat	 img;
	double	 pts;
	int	 broken;	/* decoded with errors */
};

static int
is_picture(const char *path)
{
	static const char *const ext[] = { ".jpg", ".jpeg", ".png", ".bmp",
	    ".ppm", ".pgm", ".tif", ".tiff", ".webp" };
	const char *dot = strrchr(path, '.');

	if (dot == NULL || strstr(path, "://") != NULL)
		return 0;
	for (const char *e : ext)
		if (strcasecmp(dot, e) == 0)
			return 1;
	return 0;
}

extern "C" int
thads_vsrc_open(const char *url, int timeout_ms, struct thads_vsrc **out,
    struct thads_err *err)
{
	*out = NULL;
	return guard(err, url, [&]() {
		struct stat st;
		int stream = strstr(url, "://") != NULL;

		if (!stream && stat(url, &st) != 0)
			return seterr(err, THADS_ENOINPUT, "cannot open '%s': "
			    "%s", url, strerror(errno));
		auto s = new thads_vsrc();
		s->index = 0;
		s->lastpts = -1;
		if (is_picture(url)) {
			s->still = cv::imread(url, cv::IMREAD_COLOR);
			if (s->still.empty()) {
				delete s;
				return seterr(err, THADS_ENOINPUT, "cannot "
				    "decode picture '%s'", url);
			}
			s->info = { s->still.cols, s->still.rows, 0, 1 };
			*out = s;
			return 0;
		}
		std::vector<int> params;
		av_log_set_level(AV_LOG_ERROR);
		if (timeout_ms > 0)
			params = { cv::CAP_PROP_OPEN_TIMEOUT_MSEC, timeout_ms,
			    cv::CAP_PROP_READ_TIMEOUT_MSEC, timeout_ms };
		bool ok = s->cap.open(url, cv::CAP_FFMPEG, params) &&
		    s->cap.isOpened();
		/* After the open: OpenCV sets FFmpeg's log up on its first. */
		av_log_set_callback(av_hook);
		av_log_set_level(AV_LOG_ERROR);
		if (!ok) {
			delete s;
			return seterr(err, THADS_ENOINPUT, "cannot open video "
			    "'%s'", url);
		}
		s->info.width = (int)s->cap.get(cv::CAP_PROP_FRAME_WIDTH);
		s->info.height = (int)s->cap.get(cv::CAP_PROP_FRAME_HEIGHT);
		if ((long)s->info.width * s->info.height > MAX_FRAME_PIXELS) {
			int w = s->info.width, h = s->info.height;

			delete s;
			return seterr(err, THADS_EDATA, "video '%s': frames "
			    "of %dx%d are over the limit of 7680x4320 "
			    "pixels", url, w, h);
		}
		s->info.fps = s->cap.get(cv::CAP_PROP_FPS);
		if (!(s->info.fps > 0 && s->info.fps < 1000))
			s->info.fps = 0;
		double n = s->cap.get(cv::CAP_PROP_FRAME_COUNT);
		s->info.frames = stream || !(n > 0) ? -1 : (long)n;
		*out = s;
		return 0;
	});
}

extern "C" void
thads_vsrc_describe(const struct thads_vsrc *s, struct thads_vsrc_info *info)
{
	*info = s->info;
}

/* The presentation time of the frame just read, or one made up. */
static double
frame_pts(struct thads_vsrc *s)
{
	double ms = s->cap.get(cv::CAP_PROP_POS_MSEC), pts;
	double fps = s->info.fps > 0 ? s->info.fps : 25;

	pts = ms / 1000.0;
	if (!std::isfinite(pts) || pts < 0 || (s->lastpts >= 0 &&
	    pts <= s->lastpts))
		pts = s->lastpts < 0 ? s->index / fps : s->lastpts + 1 / fps;
	s->lastpts = pts;
	return pts;
}

extern "C" int
thads_vsrc_read(struct thads_vsrc *s, struct thads_vframe **out,
    struct thads_err *err)
{
	*out = NULL;
	return guard(err, "read", [&]() {
		if (!s->still.empty()) {
			if (s->still_done)
				return 0;
			s->still_done = 1;
			*out = new thads_vframe{ s->still, 0, 0 };
			return 1;
		}
		auto f = new thads_vframe();
		long e0 = decode_errors.load();
		if (!s->cap.read(f->img) || f->img.empty()) {
			delete f;
			if (s->info.frames < 0 || s->index < s->info.frames -
			    1)
				return seterr(err, THADS_EIO, "read failed or "
				    "timed out after frame %ld", s->index);
			return 0;
		}
		if ((long)f->img.total() > MAX_FRAME_PIXELS) {
			int w = f->img.cols, h = f->img.rows;

			delete f;
			return seterr(err, THADS_EDATA, "frame %ld is %dx%d, "
			    "over the limit of 7680x4320 pixels", s->index,
			    w, h);
		}
		if (f->img.channels() == 1)
			cv::cvtColor(f->img, f->img, cv::COLOR_GRAY2BGR);
		f->pts = frame_pts(s);
		f->broken = decode_errors.load() != e0;
		s->index++;
		*out = f;
		return 1;
	});
}

extern "C" int
thads_vsrc_skip(struct thads_vsrc *s, struct thads_err *err)
{
	return guard(err, "skip", [&]() {
		if (!s->still.empty())
			return s->still_done++ ? 0 : 1;
		if (!s->cap.grab()) {
			if (s->info.frames < 0 || s->index < s->info.frames -
			    1)
				return seterr(err, THADS_EIO, "read failed or "
				    "timed out after frame %ld", s->index);
			return 0;
		}
		(void)frame_pts(s);	/* keeps the made-up times in step */
		s->index++;
		return 1;
	});
}

extern "C" void
thads_vsrc_close(struct thads_vsrc *s)
{
	try {
		delete s;
	} catch (...) {
		/* A destructor that throws leaves nothing to recover. */
	}
}

/* ---- Frames. ---- */

extern "C" int
thads_vframe_from_bgr(const unsigned char *bgr, int width, int height,
    double pts, struct thads_vframe **out, struct thads_err *err)
{
	*out = NULL;
	if (bgr == NULL || width <= 0 || height <= 0)
		return seterr(err, THADS_EUSAGE, "bad frame size %dx%d",
		    width, height);
	return guard(err, "frame", [&]() {
		cv::Mat m(height, width, CV_8UC3,
		    const_cast<unsigned char *>(bgr));
		*out = new thads_vframe{ m.clone(), pts, 0 };
		return 0;
	});
}

extern "C" struct thads_vframe *
thads_vframe_ref(const struct thads_vframe *f)
{
	try {
		return new thads_vframe{ f->img, f->pts, f->broken };
	} catch (...) {
		return NULL;
	}
}

extern "C" double
thads_vframe_pts(const struct thads_vframe *f)
{
	return f->pts;
}

extern "C" int
thads_vframe_width(const struct thads_vframe *f)
{
	return f->img.cols;
}

extern "C" int
thads_vframe_height(const struct thads_vframe *f)
{
	return f->img.rows;
}

extern "C" void
thads_vframe_free(struct thads_vframe *f)
{
	try {
		delete f;
	} catch (...) {
		/* As for sources. */
	}
}

static cv::Rect
to_rect(const struct thads_vbox &b, int w, int h)
{
	cv::Rect r((int)std::lround(b.x * w), (int)std::lround(b.y * h),
	    (int)std::lround(b.w * w), (int)std::lround(b.h * h));

	return r & cv::Rect(0, 0, w, h);
}

static struct thads_vbox
to_box(const cv::Rect &r, int w, int h)
{
	struct thads_vbox b;

	b.x = (float)r.x / w;
	b.y = (float)r.y / h;
	b.w = (float)r.width / w;
	b.h = (float)r.height / h;
	return b;
}

extern "C" int
thads_vframe_jpeg(const struct thads_vframe *f, const struct thads_vbox *box,
    int quality, unsigned char **buf, size_t *len, struct thads_err *err)
{
	*buf = NULL;
	*len = 0;
	return guard(err, "snapshot", [&]() {
		cv::Mat img = f->img;
		std::vector<unsigned char> out;

		if (box != NULL && box->w > 0) {
			img = f->img.clone();
			cv::rectangle(img, to_rect(*box, img.cols, img.rows),
			    cv::Scalar(0, 0, 255), 2);
		}
		if (!cv::imencode(".jpg", img, out,
		    { cv::IMWRITE_JPEG_QUALITY, quality }))
			return seterr(err, THADS_ELIB, "cannot encode JPEG");
		if ((*buf = (unsigned char *)malloc(out.size())) == NULL)
			return seterr(err, THADS_ENOMEM, "out of memory");
		memcpy(*buf, out.data(), out.size());
		*len = out.size();
		return 0;
	});
}

/* ---- The analyser. ---- */

struct recent_person {
	cv::Rect r;		/* full resolution */
	double	 t;		/* pts when last seen */
};

struct thads_vis {
	struct thads_vparams p;
	int	 W, H;		/* full frame */
	int	 aw, ah;	/* analysis size */
	double	 fps;
	std::vector<cv::Mat> zmask;	/* per zone, analysis size */
	std::vector<double> zarea;
	cv::Mat	 ignore;	/* masks from the camera file */
	cv::Mat	 overlay;	/* learned static overlays */
	cv::Mat	 busy;		/* how often a pixel is foreground */

	cv::Ptr<cv::BackgroundSubtractorMOG2> mog;
	cv::Mat	 prev_luma;	/* previous frame, analysis size */
	cv::Mat	 gain_ref;	/* block means of the reference */
	cv::Mat	 shift_ref;	/* phase correlation reference, float */
	cv::Mat	 hann;
	double	 shift_age;	/* seconds since the reference was taken */
	std::vector<cv::Mat> fg_hist;	/* last foreground masks */
	int	 settle;	/* frames to ignore motion */
	long	 since_reset;	/* frames since the background was reset */
	int	 primed;	/* the background came from a median */

	cv::Mat	 flat_ref;	/* flat blocks of the last good frame */

	cv::Mat	 fire_freq, fire_flick, fire_luma;

	cv::Mat	 slow, slowtex, mid, recentfast, smoke_age;

	cv::Mat	 flow_prev;	/* grey at flow size */
	cv::Mat	 flow_last;	/* last flow, per second */
	cv::Rect flow_roi;	/* where flow_last was computed */
	double	 flow_pts;
	int	 flow_ok;

	cv::Mat	 ref_edges;
	double	 ref_energy;
	double	 ref_pts;
	int	 ref_set;

	cv::HOGDescriptor hog;
	std::vector<recent_person> recent;

	std::vector<cv::Mat> samples;
	double	 last_pts;
	long	 nframe;
	double	 suspect_until;	/* after a decoder error, pts */
	int	 view_bad;	/* tamper measures out of bounds */
};

static double
ema_alpha(double fps, double tau)
{
	if (tau <= 0 || fps <= 0)
		return 1;
	return 1 - std::exp(-1 / (fps * tau));
}

static cv::Mat
poly_mask(const struct thads_vpoly &pl, int w, int h)
{
	cv::Mat m = cv::Mat::zeros(h, w, CV_8U);
	std::vector<cv::Point> pts;

	for (int i = 0; i < pl.n; i++)
		pts.emplace_back((int)std::lround(pl.pt[2 * i] * w),
		    (int)std::lround(pl.pt[2 * i + 1] * h));
	cv::fillPoly(m, std::vector<std::vector<cv::Point>>{ pts },
	    cv::Scalar(255));
	return m;
}

extern "C" int
thads_vis_open(const struct thads_vparams *p, int width, int height,
    double fps, const struct thads_vpoly *zones, int nzones,
    const struct thads_vpoly *masks, int nmasks, struct thads_vis **out,
    struct thads_err *err)
{
	*out = NULL;
	if (nzones < 1 || nzones > THADS_VMAXZONES || width < 16 ||
	    height < 16)
		return seterr(err, THADS_EUSAGE, "bad zones (%d) or frame "
		    "size %dx%d", nzones, width, height);
	for (int i = 0; i < nzones; i++)
		if (zones[i].n < 3 || zones[i].n > THADS_VMAXPTS)
			return seterr(err, THADS_EUSAGE, "zone %d: a polygon "
			    "needs 3 to %d points", i, THADS_VMAXPTS);
	for (int i = 0; i < nmasks; i++)
		if (masks[i].n < 3 || masks[i].n > THADS_VMAXPTS)
			return seterr(err, THADS_EUSAGE, "mask %d: a polygon "
			    "needs 3 to %d points", i, THADS_VMAXPTS);
	return guard(err, "analyser", [&]() {
		auto v = new thads_vis();
		v->p = *p;
		v->W = width;
		v->H = height;
		v->fps = fps > 0 ? fps : 25;
		v->aw = std::min(width, (int)p->motion.width) & ~1;
		v->ah = std::max(8, (int)std::lround((double)height * v->aw /
		    width)) & ~1;
		for (int i = 0; i < nzones; i++) {
			v->zmask.push_back(poly_mask(zones[i], v->aw, v->ah));
			v->zarea.push_back(std::max(1,
			    cv::countNonZero(v->zmask.back())));
		}
		v->ignore = cv::Mat::zeros(v->ah, v->aw, CV_8U);
		for (int i = 0; i < nmasks; i++)
			v->ignore |= poly_mask(masks[i], v->aw, v->ah);
		v->overlay = cv::Mat::zeros(v->ah, v->aw, CV_8U);
		v->busy = cv::Mat::zeros(v->ah, v->aw, CV_32F);
		v->mog = cv::createBackgroundSubtractorMOG2(
		    std::max(10, (int)(p->motion.history * v->fps)),
		    p->motion.var_threshold, true);
		cv::createHanningWindow(v->hann, cv::Size(v->aw / 2,
		    v->ah / 2), CV_32F);
		v->hog.setSVMDetector(
		    cv::HOGDescriptor::getDefaultPeopleDetector());
		v->last_pts = -1;
		*out = v;
		return 0;
	});
}

extern "C" void
thads_vis_close(struct thads_vis *v)
{
	try {
		delete v;
	} catch (...) {
		/* As for sources. */
	}
}

/*
 * The frame at the analysis size.  OpenCV's area resize is several
 * times slower at a fractional ratio (768 to 320 pixels) than at an
 * exact half, so a large frame is halved with it while it stays at
 * least twice the analysis size, and the last, small step is linear:
 * the pixels differ by about one grey level from a single area resize,
 * at a quarter of the cost.
 */
static cv::Mat
shrink(const struct thads_vis *v, const cv::Mat &img)
{
	cv::Mat s = img;
	int halved = 0;

	while (s.cols / 2 >= v->aw && s.rows / 2 >= v->ah) {
		cv::Mat h;
		cv::resize(s, h, cv::Size(s.cols / 2, s.rows / 2), 0, 0,
		    cv::INTER_AREA);
		s = h;
		halved = 1;
	}
	if (s.cols == v->aw && s.rows == v->ah)
		return halved ? s : s.clone();
	cv::Mat out;
	cv::resize(s, out, cv::Size(v->aw, v->ah), 0, 0, halved ?
	    cv::INTER_LINEAR : cv::INTER_AREA);
	return out;
}

extern "C" int
thads_vis_prime(struct thads_vis *v, const struct thads_vframe *f,
    struct thads_err *err)
{
	return guard(err, "prime", [&]() {
		if (f->img.cols != v->W || f->img.rows != v->H)
			return seterr(err, THADS_EUSAGE, "frame size changed");
		v->samples.push_back(shrink(v, f->img));
		return 0;
	});
}

/* Per-pixel median of the samples. */
static cv::Mat
median_of(const std::vector<cv::Mat> &s)
{
	cv::Mat med(s[0].size(), s[0].type());
	size_t n = s.size(), total = s[0].total() * s[0].channels();
	std::vector<unsigned char> col(n);

	for (size_t i = 0; i < total; i++) {
		for (size_t k = 0; k < n; k++)
			col[k] = s[k].data[i];
		std::nth_element(col.begin(), col.begin() + n / 2, col.end());
		med.data[i] = col[n / 2];
	}
	return med;
}

static void reset_background(struct thads_vis *, const cv::Mat &);
static cv::Mat shake_view(const struct thads_vis *, const cv::Mat &);

extern "C" int
thads_vis_prime_end(struct thads_vis *v, struct thads_err *err)
{
	return guard(err, "prime", [&]() {
		if (v->samples.empty())
			return 0;
		/*
		 * A shaking camera's samples are aligned on the first one,
		 * which also becomes the shift reference, so that the
		 * median is sharp and in the geometry frames are brought to.
		 */
		cv::Mat ref0;
		if (v->p.motion.shake) {
			cv::Mat g;
			cv::cvtColor(v->samples[0], g, cv::COLOR_BGR2GRAY);
			ref0 = shake_view(v, g);
			for (size_t i = 1; i < v->samples.size(); i++) {
				cv::Mat gi;
				double resp = 0;
				cv::cvtColor(v->samples[i], gi,
				    cv::COLOR_BGR2GRAY);
				cv::Point2d d = 2 * cv::phaseCorrelate(
				    ref0.clone(), shake_view(v, gi), v->hann,
				    &resp);
				if (resp < 0.2 || std::fabs(d.x) > v->aw * 0.05 ||
				    std::fabs(d.y) > v->ah * 0.05)
					continue;
				cv::Mat M = (cv::Mat_<double>(2, 3) << 1, 0,
				    -d.x, 0, 1, -d.y);
				cv::warpAffine(v->samples[i], v->samples[i], M,
				    v->samples[i].size(), cv::INTER_LINEAR,
				    cv::BORDER_REPLICATE);
			}
		}
		cv::Mat med = median_of(v->samples);
		cv::Mat cnt = cv::Mat::zeros(v->ah, v->aw, CV_32F);
		for (const cv::Mat &s : v->samples) {
			cv::Mat d, dm;
			cv::absdiff(s, med, d);
			cv::cvtColor(d, dm, cv::COLOR_BGR2GRAY);
			cv::Mat big = dm > 20;
			cv::accumulate(big, cnt, cv::noArray());
		}
		/* Changed in most samples: a clock, a caption, a screen. */
		if (v->p.motion.overlay && v->samples.size() >= 5) {
			cv::Mat ov = cnt > 255.0 * v->samples.size() * 0.5;
			cv::dilate(ov, v->overlay, cv::Mat(), cv::Point(-1, -1),
			    2);
		}
		reset_background(v, med);
		cv::Mat luma;
		cv::cvtColor(med, luma, cv::COLOR_BGR2GRAY);
		luma.convertTo(v->slow, CV_32F);
		if (!ref0.empty())
			v->shift_ref = ref0;
		v->primed = 1;
		v->samples.clear();
		return 0;
	});
}

/* Block means of luma, for gain compensation. */
static cv::Mat
blocks(const cv::Mat &luma)
{
	cv::Mat b;

	cv::resize(luma, b, cv::Size(8, 6), 0, 0, cv::INTER_AREA);
	b.convertTo(b, CV_32F);
	return b;
}

/*
 * The picture camera shake is measured on: luma at half the analysis
 * size, as float.  A shift found there is doubled.
 */
static cv::Mat
shake_view(const struct thads_vis *v, const cv::Mat &luma)
{
	cv::Mat h, f;

	cv::resize(luma, h, cv::Size(v->aw / 2, v->ah / 2), 0, 0,
	    cv::INTER_AREA);
	h.convertTo(f, CV_32F);
	return f;
}

/* Start the motion background, shift and gain references on img. */
static void
reset_background(struct thads_vis *v, const cv::Mat &img)
{
	cv::Mat fg, luma;

	v->mog->apply(img, fg, 1.0);
	cv::cvtColor(img, luma, cv::COLOR_BGR2GRAY);
	v->gain_ref = blocks(luma);
	v->shift_ref = shake_view(v, luma);
	v->shift_age = 0;
	v->prev_luma = luma;
	v->fg_hist.clear();
	v->slow.release();
	v->since_reset = 0;
	v->primed = 0;
}

/*
 * Step 1: the share of 16x16 blocks newly flat and grey or green.  Each
 * block is judged on 4x4 samples taken across it, which sees a flat
 * block as surely as all its pixels do, at a fraction of the cost.
 */
static float
broken_blocks(struct thads_vis *v, const cv::Mat &img, int *flat_ok)
{
	int bw = img.cols / 16, bh = img.rows / 16;
	cv::Mat roi, g, gf, m, m2, c;

	if (bw < 1 || bh < 1)
		return 0;
	cv::resize(img(cv::Rect(0, 0, bw * 16, bh * 16)), roi,
	    cv::Size(bw * 4, bh * 4), 0, 0, cv::INTER_NEAREST);
	cv::cvtColor(roi, g, cv::COLOR_BGR2GRAY);
	g.convertTo(gf, CV_32F);
	cv::resize(gf, m, cv::Size(bw, bh), 0, 0, cv::INTER_AREA);
	cv::resize(gf.mul(gf), m2, cv::Size(bw, bh), 0, 0, cv::INTER_AREA);
	cv::resize(roi, c, cv::Size(bw, bh), 0, 0, cv::INTER_AREA);
	cv::Mat flat = (m2 - m.mul(m)) < 1.0;
	int bad = 0;
	for (int y = 0; y < bh; y++)
		for (int x = 0; x < bw; x++) {
			if (!flat.at<unsigned char>(y, x) || (!v->flat_ref.empty()
			    && v->flat_ref.at<unsigned char>(y, x)))
				continue;
			cv::Vec3b p = c.at<cv::Vec3b>(y, x);
			int grey = std::abs(p[0] - 128) < 8 &&
			    std::abs(p[1] - 128) < 8 && std::abs(p[2] - 128) < 8;
			int green = p[1] > 90 && p[0] < 50 && p[2] < 50;
			bad += grey || green;
		}
	*flat_ok = 1;
	float frac = (float)bad / (float)(bw * bh);
	if (frac < v->p.event.corrupt)
		v->flat_ref = flat;
	return frac;
}

static int
is_grey(const cv::Mat &s)
{
	cv::Mat ch[3], d1, d2;

	cv::split(s, ch);
	cv::absdiff(ch[0], ch[1], d1);
	cv::absdiff(ch[1], ch[2], d2);
	return cv::mean(d1)[0] + cv::mean(d2)[0] < 3.0;
}

/* Step 2: a sudden change of most pixels the same way. */
static int
lighting_step(struct thads_vis *v, const cv::Mat &luma)
{
	cv::Mat d;
	double n = (double)luma.total();

	if (v->prev_luma.empty())
		return 0;
	cv::subtract(luma, v->prev_luma, d, cv::noArray(), CV_16S);
	int up = cv::countNonZero(d > v->p.motion.light_delta);
	int down = cv::countNonZero(d < -v->p.motion.light_delta);
	return std::max(up, down) >= v->p.motion.light_frac * n;
}

/*
 * Divide out a slow change of gain against the reference.  The gain is
 * the lower quartile of the block ratios, not their median: a cloud
 * shadow darkens part of the view, and a median taken half in the
 * shadow would over-brighten the sunlit rest into foreground.  Matched
 * on its brightest quarter, the frame is darker than the background
 * only in the shadow, which the background model takes for a shadow
 * and drops.
 */
static void
gain_compensate(struct thads_vis *v, cv::Mat &small, cv::Mat &luma)
{
	cv::Mat b = blocks(luma);
	std::vector<float> r;

	for (int i = 0; i < (int)b.total(); i++)
		if (b.at<float>(i) > 8)
			r.push_back(v->gain_ref.at<float>(i) / b.at<float>(i));
	if (r.size() < b.total() / 2)
		return;
	std::nth_element(r.begin(), r.begin() + r.size() / 4, r.end());
	double g = r[r.size() / 4];
	if (g < 0.5 || g > 2.0 || std::fabs(g - 1) < 0.02)
		return;
	small.convertTo(small, -1, g);
	luma.convertTo(luma, -1, g);
}

/* Step 3: remove the global shift against the reference. */
static void
unshake(struct thads_vis *v, cv::Mat &small, const cv::Mat &luma,
    struct thads_vmeas *m, double dt)
{
	cv::Mat lf = shake_view(v, luma);
	double resp = 0;

	if (v->shift_ref.empty() || v->shift_ref.size() != lf.size()) {
		v->shift_ref = lf;
		return;
	}
	/*
	 * OpenCV 4.6 applies the window in place when the size needs no
	 * padding, so phaseCorrelate() gets copies.
	 */
	cv::Point2d s = cv::phaseCorrelate(v->shift_ref.clone(), lf.clone(),
	    v->hann, &resp);
	v->shift_age += dt;
	/*
	 * Wind and passing trucks shake a mast by a few pixels; a larger
	 * shift is the camera turned (tamper) or a repeating pattern (a
	 * fence, a tiled wall) fooling the correlation.
	 */
	if (resp < 0.1 || std::hypot(s.x, s.y) < 0.25 ||
	    std::fabs(s.x) > lf.cols * 0.05 || std::fabs(s.y) > lf.rows * 0.05) {
		if (v->shift_age > 5 && resp >= 0.1) {
			v->shift_ref = lf;
			v->shift_age = 0;
		}
		return;
	}
	/*
	 * Phase correlation can lock on to people moving across a still
	 * view; take the shift only if undoing it brings the frame clearly
	 * closer to the reference.
	 */
	cv::Mat M = (cv::Mat_<double>(2, 3) << 1, 0, -s.x, 0, 1, -s.y), wl;
	cv::warpAffine(lf, wl, M, lf.size(), cv::INTER_LINEAR,
	    cv::BORDER_REPLICATE);
	int bx = (int)std::ceil(std::fabs(s.x)), by = (int)std::ceil(
	    std::fabs(s.y));
	cv::Rect in(bx, by, lf.cols - 2 * bx, lf.rows - 2 * by);
	if (in.width < 8 || in.height < 8)
		return;
	double before = cv::norm(lf(in), v->shift_ref(in), cv::NORM_L1);
	double after = cv::norm(wl(in), v->shift_ref(in), cv::NORM_L1);
	if (after > 0.8 * before)
		return;
	m->shake_x = (float)(2 * s.x);
	m->shake_y = (float)(2 * s.y);
	M = (cv::Mat_<double>(2, 3) << 1, 0, -2 * s.x, 0, 1, -2 * s.y);
	cv::warpAffine(small, small, M, small.size(), cv::INTER_LINEAR,
	    cv::BORDER_REPLICATE);
}

static void
zone_measure(const struct thads_vis *v, const cv::Mat &mask, int z,
    float *frac, struct thads_vbox *box)
{
	cv::Mat in = mask & v->zmask[z];
	int n = cv::countNonZero(in);

	*frac = (float)(n / v->zarea[z]);
	memset(box, 0, sizeof(*box));
	if (n > 0)
		*box = to_box(cv::boundingRect(in), v->aw, v->ah);
}

/*
 * A blob that is only a change of light: a cloud shadow coming or going,
 * a patch of sun.  The picture under it keeps the background's texture,
 * only brighter or darker, so the two correlate closely; an object
 * brings a texture of its own.  A flat patch (a bare wall) has no
 * texture to compare and keeps its blob.  luma and bgl are computed on
 * the first call of a frame and reused.
 */
static bool
light_only(struct thads_vis *v, const cv::Mat &small, const cv::Rect &r,
    cv::Mat &luma, cv::Mat &bgl)
{
	cv::Mat res;
	cv::Scalar mean, sd;

	if (v->p.motion.same_texture >= 1 || r.width < 4 || r.height < 4)
		return false;
	if (bgl.empty()) {
		cv::Mat bg;
		v->mog->getBackgroundImage(bg);
		if (bg.empty() || bg.size() != small.size())
			return false;
		cv::cvtColor(bg, bgl, cv::COLOR_BGR2GRAY);
		cv::cvtColor(small, luma, cv::COLOR_BGR2GRAY);
	}
	cv::meanStdDev(bgl(r), mean, sd);
	if (sd[0] < 4)
		return false;
	cv::matchTemplate(luma(r), bgl(r), res, cv::TM_CCOEFF_NORMED);
	return res.at<float>(0, 0) >= v->p.motion.same_texture;
}

/* Step 4: moving blobs. Returns the mask of kept blobs. */
static cv::Mat
motion(struct thads_vis *v, const cv::Mat &small, struct thads_vmeas *m)
{
	cv::Mat fg, now, kept = cv::Mat::zeros(v->ah, v->aw, CV_8U);
	static const cv::Mat k3 = cv::getStructuringElement(cv::MORPH_ELLIPSE,
	    cv::Size(3, 3));
	static const cv::Mat k5 = cv::getStructuringElement(cv::MORPH_ELLIPSE,
	    cv::Size(5, 5));

	/*
	 * MOG2's own rate is 1/(2n) over its first frames, which learns a
	 * person standing in the first frames into the background within
	 * a few frames.  A primed model gets the steady rate at once; an
	 * unprimed one (a stream, after a lighting change) bootstraps with
	 * MOG2's rate for a second.
	 */
	double lr = v->primed || v->since_reset > v->fps ? 1.0 /
	    std::max(1.0, v->p.motion.history * v->fps) : -1;
	v->since_reset++;
	v->mog->apply(small, fg, lr);
	now = fg > 200;		/* 127 marks shadows */
	cv::Mat held = now.clone();
	for (const cv::Mat &h : v->fg_hist) {
		cv::Mat d;
		cv::dilate(h, d, k3);
		held &= d;
	}
	v->fg_hist.push_back(now);
	while ((int)v->fg_hist.size() > (int)v->p.motion.persist - 1)
		v->fg_hist.erase(v->fg_hist.begin());
	if (v->p.motion.overlay && v->settle == 0) {
		cv::accumulateWeighted(now, v->busy,
		    ema_alpha(v->fps, 10));
		cv::Mat learned = v->busy > 0.6 * 255;
		cv::dilate(learned, learned, k5);
		v->overlay |= learned;
	}
	cv::morphologyEx(held, held, cv::MORPH_OPEN, k3);
	cv::morphologyEx(held, held, cv::MORPH_CLOSE, k5, cv::Point(-1, -1),
	    2);
	held.setTo(0, v->ignore);
	held.setTo(0, v->overlay);
	/* What the shift brought in at the borders is made up. */
	int mx = (int)std::ceil(std::fabs(m->shake_x)) + 1;
	int my = (int)std::ceil(std::fabs(m->shake_y)) + 1;
	if (m->shake_x != 0 || m->shake_y != 0) {
		held.colRange(0, mx).setTo(0);
		held.colRange(v->aw - mx, v->aw).setTo(0);
		held.rowRange(0, my).setTo(0);
		held.rowRange(v->ah - my, v->ah).setTo(0);
	}
	if (v->settle > 0)
		return kept;

	cv::Mat lab, stats, cent;
	int n = cv::connectedComponentsWithStats(held, lab, stats, cent, 8,
	    CV_32S);
	double minpx = v->p.motion.min_area * v->aw * v->ah;
	std::vector<int> keep(n, 0);
	std::vector<std::pair<int, int>> order;
	cv::Mat luma, bgl;
	for (int i = 1; i < n; i++)
		if (stats.at<int>(i, cv::CC_STAT_AREA) >= std::max(4.0, minpx)) {
			cv::Rect r(stats.at<int>(i, cv::CC_STAT_LEFT),
			    stats.at<int>(i, cv::CC_STAT_TOP),
			    stats.at<int>(i, cv::CC_STAT_WIDTH),
			    stats.at<int>(i, cv::CC_STAT_HEIGHT));
			if (light_only(v, small, r, luma, bgl))
				continue;
			keep[i] = 1;
			order.emplace_back(-stats.at<int>(i, cv::CC_STAT_AREA),
			    i);
		}
	std::sort(order.begin(), order.end());
	for (int y = 0; y < v->ah; y++) {
		const int *l = lab.ptr<int>(y);
		unsigned char *k = kept.ptr<unsigned char>(y);
		for (int x = 0; x < v->aw; x++)
			k[x] = keep[l[x]] ? 255 : 0;
	}
	for (auto &o : order) {
		if (m->nblobs >= THADS_VMAXBLOBS)
			break;
		int i = o.second;
		cv::Rect r(stats.at<int>(i, cv::CC_STAT_LEFT),
		    stats.at<int>(i, cv::CC_STAT_TOP),
		    stats.at<int>(i, cv::CC_STAT_WIDTH),
		    stats.at<int>(i, cv::CC_STAT_HEIGHT));
		struct thads_vblob &b = m->blob[m->nblobs++];
		b.box = to_box(r, v->aw, v->ah);
		b.area = (float)(-o.first) / (float)(v->aw * v->ah);
	}
	for (int z = 0; z < m->nzones; z++)
		zone_measure(v, kept, z, &m->zone[z].motion,
		    &m->zone[z].motion_box);
	return kept;
}

/* Step 5: flame colour that stays and flickers. */
static void
fire(struct thads_vis *v, const cv::Mat &small, const cv::Mat &luma,
    struct thads_vmeas *m)
{
	cv::Mat ch[3], cand, jump, d;
	double a = ema_alpha(v->fps, 0.5);

	cv::split(small, ch);	/* B, G, R */
	cand = (ch[2] >= v->p.fire.red_min) & (ch[2] >= ch[1]) &
	    (ch[1] > ch[0]);
	cv::subtract(ch[2], ch[0], d);
	cand &= d >= 60;
	if (v->fire_freq.empty()) {
		v->fire_freq = cv::Mat::zeros(v->ah, v->aw, CV_32F);
		v->fire_flick = cv::Mat::zeros(v->ah, v->aw, CV_32F);
		v->fire_luma = luma.clone();
	}
	cv::absdiff(luma, v->fire_luma, d);
	jump = (d > 12) & cand;
	v->fire_luma = luma.clone();
	cv::accumulateWeighted(cand, v->fire_freq, a);
	cv::accumulateWeighted(jump, v->fire_flick, a);
	cv::Mat px = (v->fire_freq > 0.4 * 255) &
	    (v->fire_flick > v->p.fire.flicker * 255);
	cv::dilate(cand, d, cv::Mat());
	px &= d;
	cv::morphologyEx(px, px, cv::MORPH_OPEN, cv::Mat());
	px.setTo(0, v->ignore);
	for (int z = 0; z < m->nzones; z++)
		zone_measure(v, px, z, &m->zone[z].fire, &m->zone[z].fire_box);
}

/* Normalised texture: local gradient energy over local brightness. */
static cv::Mat
texture(const cv::Mat &lf)
{
	cv::Mat gx, gy, e, mean;

	cv::Sobel(lf, gx, CV_32F, 1, 0);
	cv::Sobel(lf, gy, CV_32F, 0, 1);
	e = cv::abs(gx) + cv::abs(gy);
	cv::boxFilter(e, e, -1, cv::Size(7, 7));
	cv::boxFilter(lf, mean, -1, cv::Size(7, 7));
	return e / (mean + 16.0);
}

/* Step 6: a slow grey change that blurs what is behind it. */
static void
smoke(struct thads_vis *v, const cv::Mat &small, const cv::Mat &luma,
    const struct thads_vmeas *mm, struct thads_vmeas *m)
{
	cv::Mat lf, d, fast, cand, tex, hsv;
	double as = ema_alpha(v->fps, v->p.smoke.tau);
	double am = ema_alpha(v->fps, 1.0);

	(void)mm;
	luma.convertTo(lf, CV_32F);
	if (v->slow.empty())
		v->slow = lf.clone();
	if (v->slowtex.empty() || v->mid.empty()) {
		v->slowtex = texture(v->slow);
		v->mid = lf.clone();
		v->recentfast = cv::Mat::zeros(v->ah, v->aw, CV_32F);
		v->smoke_age = cv::Mat::zeros(v->ah, v->aw, CV_32F);
	}
	cv::accumulateWeighted(lf, v->mid, am);
	cv::absdiff(lf, v->mid, d);
	fast = d > v->p.smoke.delta * 2.5;
	cv::accumulateWeighted(fast, v->recentfast, ema_alpha(v->fps, 2.0));
	cv::absdiff(v->mid, v->slow, d);
	tex = texture(v->mid);
	/* Crossed by a fast mover in a sixth of the last two seconds. */
	cand = (d > v->p.smoke.delta) & (v->recentfast < 0.15 * 255);
	/*
	 * It must blur what is behind it.  A plume against a featureless
	 * sky has nothing to blur and is missed; a paved yard brightening
	 * in the sun is not taken for smoke.
	 */
	cand &= tex < v->p.smoke.texture * v->slowtex;
	/*
	 * Smoke lightens what is behind it, or over a bright sky stays
	 * bright; a person in dark clothes standing still does neither.
	 */
	cand &= (v->mid >= v->slow) | (v->mid > 150);
	if (!m->grey) {
		cv::Mat ch[3];
		cv::cvtColor(small, hsv, cv::COLOR_BGR2HSV);
		cv::split(hsv, ch);
		cand &= ch[1] <= v->p.smoke.max_sat;
	}
	cv::morphologyEx(cand, cand, cv::MORPH_OPEN, cv::Mat());
	cv::accumulateWeighted(cand, v->smoke_age, ema_alpha(v->fps, 1.0));
	cv::Mat px = v->smoke_age > 0.6 * 255;
	px.setTo(0, v->ignore);
	px.setTo(0, v->overlay);
	cv::Mat calm = ~cand;
	cv::accumulateWeighted(lf, v->slow, as, calm);
	/* The texture of the 1 s average stands for the frame's. */
	cv::accumulateWeighted(tex, v->slowtex, as, calm);
	for (int z = 0; z < m->nzones; z++)
		zone_measure(v, px, z, &m->zone[z].smoke,
		    &m->zone[z].smoke_box);
}

/* Step 7: speed, jerk and disorder of the flow over each blob. */
static void
flow(struct thads_vis *v, const cv::Mat &luma, const cv::Mat &kept,
    double pts, struct thads_vmeas *m)
{
	int fw = std::min(v->aw, (int)v->p.fight.flow_width) & ~1;
	int fh = std::max(8, (int)std::lround((double)v->ah * fw / v->aw));
	cv::Mat g, fl, mk;
	double dt = pts - v->flow_pts;

	cv::resize(luma, g, cv::Size(fw, fh), 0, 0, cv::INTER_AREA);
	if (!v->flow_ok || v->flow_prev.empty() || dt <= 0 || dt > 2 ||
	    m->nblobs == 0) {
		v->flow_prev = g;
		v->flow_pts = pts;
		v->flow_ok = 1;
		v->flow_last.release();
		return;
	}
	/*
	 * Flow only where something moves: the blobs' bounding box with a
	 * margin for the pyramid and the window, or the whole frame when
	 * that is most of it.
	 */
	cv::Rect roi = to_rect(m->blob[0].box, fw, fh);
	for (int i = 1; i < m->nblobs; i++)
		roi |= to_rect(m->blob[i].box, fw, fh);
	roi = cv::Rect(roi.x - 12, roi.y - 12, roi.width + 24,
	    roi.height + 24) & cv::Rect(0, 0, fw, fh);
	if (roi.area() > 0.6 * fw * fh)
		roi = cv::Rect(0, 0, fw, fh);
	cv::Mat part;
	cv::calcOpticalFlowFarneback(v->flow_prev(roi), g(roi), part, 0.5, 2,
	    11, 2, 5, 1.1, 0);
	fl = cv::Mat::zeros(fh, fw, CV_32FC2);
	part.copyTo(fl(roi));
	fl /= dt * fw;		/* frame widths a second */
	cv::resize(kept, mk, cv::Size(fw, fh), 0, 0, cv::INTER_NEAREST);
	for (int i = 0; i < m->nblobs; i++) {
		struct thads_vblob &b = m->blob[i];
		cv::Rect r = to_rect(b.box, fw, fh);
		double sx = 0, sy = 0, ux = 0, uy = 0, sp = 0, jk = 0;
		int n = 0, nu = 0;
		for (int y = r.y; y < r.y + r.height; y++)
			for (int x = r.x; x < r.x + r.width; x++) {
				if (!mk.at<unsigned char>(y, x))
					continue;
				cv::Point2f f = fl.at<cv::Point2f>(y, x);
				double s = std::hypot(f.x, f.y);
				sx += f.x;
				sy += f.y;
				sp += s;
				n++;
				if (s > 0.02) {
					ux += f.x / s;
					uy += f.y / s;
					nu++;
				}
				if (!v->flow_last.empty() &&
				    v->flow_roi.contains(cv::Point(x, y))) {
					cv::Point2f q =
					    v->flow_last.at<cv::Point2f>(y, x);
					jk += std::hypot(f.x - q.x, f.y - q.y);
				}
			}
		if (n == 0)
			continue;
		b.flow = (float)(sp / n);
		b.jerk = v->flow_last.empty() ? 0 : (float)(jk / n);
		b.disorder = nu ? (float)(1 - std::hypot(ux, uy) / nu) : 0;
	}
	v->flow_last = fl;
	v->flow_roi = roi;
	v->flow_prev = g;
	v->flow_pts = pts;
}

static cv::Rect
grow(const cv::Rect &r, double fx, double fy, int W, int H)
{
	int dx = (int)(r.width * fx), dy = (int)(r.height * fy);

	return cv::Rect(r.x - dx, r.y - dy, r.width + 2 * dx,
	    r.height + 2 * dy) & cv::Rect(0, 0, W, H);
}

/* Step 8: HOG on full-resolution regions around motion and people. */
static void
people(struct thads_vis *v, const cv::Mat &img, double pts, int full,
    struct thads_vmeas *m)
{
	std::vector<cv::Rect> roi, found, all;
	std::vector<double> w, allw;
	double u = v->p.people.upscale;

	if (full)
		roi.push_back(cv::Rect(0, 0, v->W, v->H));
	for (int i = 0; i < m->nblobs && !full; i++)
		roi.push_back(grow(to_rect(m->blob[i].box, v->W, v->H), 0.5,
		    0.3, v->W, v->H));
	v->recent.erase(std::remove_if(v->recent.begin(), v->recent.end(),
	    [&](const recent_person &r) {
		return pts - r.t > v->p.people.keep || r.t > pts; }),
	    v->recent.end());
	for (const recent_person &r : v->recent)
		if (!full)
			roi.push_back(grow(r.r, 0.3, 0.2, v->W, v->H));
	/*
	 * Merge overlapping regions so nobody is searched twice, but only
	 * where the bounding rectangle adds little: two people at opposite
	 * corners, joined by a third, would otherwise make one region of
	 * the whole frame, searched at the enlarged size.
	 */
	for (bool merged = true; merged;) {
		merged = false;
		for (size_t i = 0; i < roi.size() && !merged; i++)
			for (size_t j = i + 1; j < roi.size(); j++) {
				double both = (double)roi[i].area() +
				    roi[j].area() - (roi[i] & roi[j]).area();
				if ((roi[i] & roi[j]).area() > 0 &&
				    (roi[i] | roi[j]).area() <= 1.3 * both) {
					roi[i] |= roi[j];
					roi.erase(roi.begin() + (long)j);
					merged = true;
					break;
				}
			}
	}
	int minw = (int)std::ceil(64 / u) + 8, minh = (int)std::ceil(128 / u)
	    + 8;
	for (cv::Rect r : roi) {
		if (r.width < minw)
			r = grow(r, (double)(minw - r.width) / 2 / r.width +
			    0.01, 0, v->W, v->H);
		if (r.height < minh)
			r = grow(r, 0, (double)(minh - r.height) / 2 /
			    r.height + 0.01, v->W, v->H);
		if (r.width < 64 / u || r.height < 128 / u)
			continue;
		cv::Mat crop;
		cv::resize(img(r), crop, cv::Size(), u, u, cv::INTER_LINEAR);
		v->hog.detectMultiScale(crop, found, w, v->p.people.hit,
		    cv::Size(8, 8), cv::Size(8, 8), 1.05, 2);
		for (size_t i = 0; i < found.size(); i++) {
			if (w[i] < v->p.people.min_score)
				continue;
			cv::Rect f = found[i];
			/* HOG's window has a margin around the person. */
			cv::Rect t((int)(f.x / u + f.width / u * 0.15) + r.x,
			    (int)(f.y / u + f.height / u * 0.08) + r.y,
			    (int)(f.width / u * 0.7),
			    (int)(f.height / u * 0.84));
			all.push_back(t);
			allw.push_back(w[i]);
		}
	}
	/* Keep the surest of boxes that overlap much. */
	std::vector<int> order(all.size());
	for (size_t i = 0; i < order.size(); i++)
		order[i] = (int)i;
	std::sort(order.begin(), order.end(), [&](int a, int b) {
		return allw[a] > allw[b]; });
	std::vector<cv::Rect> kept;
	for (int i : order) {
		bool dup = false;
		for (const cv::Rect &k : kept) {
			double inter = (all[i] & k).area();
			if (inter > 0.5 * std::min(all[i].area(), k.area()))
				dup = true;
		}
		if (dup || m->npeople >= THADS_VMAXPEOPLE)
			continue;
		kept.push_back(all[i]);
		m->person[m->npeople].box = to_box(all[i], v->W, v->H);
		m->person[m->npeople].score = (float)allw[i];
		m->npeople++;
		v->recent.push_back({ all[i], pts });
	}
	m->people_done = 1;
}

/*
 * Step 9: contrast, sharpness and edge overlap against a reference.
 * The reference edges are those present in most frames of the last
 * seconds (an average of edge maps), so that flames, crowds and trees
 * in the wind, whose edges come and go, are not taken for the view's
 * structure.  The reference follows slow changes of the scene only
 * while nothing looks wrong, so tampering never becomes the reference.
 */
static void
tamper(struct thads_vis *v, const cv::Mat &luma, double pts,
    struct thads_vmeas *m)
{
	cv::Scalar mean, sd;
	cv::Mat lap, norm, e, stat, refd;

	cv::meanStdDev(luma, mean, sd);
	m->contrast = (float)sd[0];
	cv::Laplacian(luma, lap, CV_32F);
	double energy = cv::mean(cv::abs(lap))[0] / (mean[0] + 8);
	luma.convertTo(norm, CV_8U, 40.0 / std::max(2.0, sd[0]),
	    128 - 40.0 * mean[0] / std::max(2.0, sd[0]));
	cv::GaussianBlur(norm, norm, cv::Size(3, 3), 0);
	cv::Canny(norm, e, 60, 150);
	int ne = cv::countNonZero(e);
	if (!v->ref_set) {
		v->ref_edges = cv::Mat::zeros(luma.size(), CV_32F);
		v->ref_energy = energy;
		v->ref_pts = pts;
		v->ref_set = 1;
	}
	m->sharpness = (float)(energy / std::max(1e-6, v->ref_energy));
	stat = v->ref_edges > 0.6 * 255;
	int nr = cv::countNonZero(stat);
	m->overlap = 1;
	if (pts - v->ref_pts >= 2 && nr > 0.002 * luma.total() &&
	    ne >= 0.2 * nr) {
		cv::dilate(stat, refd, cv::Mat(), cv::Point(-1, -1), 2);
		m->overlap = (float)cv::countNonZero(e & refd) / (float)ne;
	}
	if (m->overlap > 0.6 && m->sharpness > 0.7 && m->contrast >
	    2 * v->p.tamper.min_contrast) {
		cv::accumulateWeighted(e, v->ref_edges, ema_alpha(v->fps, 1));
		v->ref_energy += ema_alpha(v->fps, 10) * (energy -
		    v->ref_energy);
	}
}

/*
 * The view itself changed: the lens blurred or covered, the camera
 * turned.  What the motion background knew is of another picture, so it
 * starts again (once, as the measures go out of bounds) instead of
 * reporting the whole frame as activity; the tamper event says what
 * happened.  A turned camera also restarts the smoke background, whose
 * texture is of the old view; a blurred one does not, since thick smoke
 * blurs the view too and must still be seen.
 */
static void
view_changed(struct thads_vis *v, const cv::Mat &small,
    struct thads_vmeas *m)
{
	const struct thads_vp_tamper *t = &v->p.tamper;
	int moved = m->overlap >= 0 && m->overlap < t->min_overlap;
	int bad = moved || (m->contrast >= 0 && m->contrast <
	    t->min_contrast) || (m->sharpness >= 0 && m->sharpness <
	    t->min_sharpness);

	if (bad && !v->view_bad) {
		reset_background(v, small);
		v->settle = std::max(1, (int)(v->p.motion.settle * v->fps));
		v->flow_ok = 0;
		if (moved)
			v->slow.release();
	}
	v->view_bad = bad;
}

static void
analyse(struct thads_vis *v, const struct thads_vframe *f, unsigned want,
    struct thads_vmeas *m)
{
	cv::Mat small = shrink(v, f->img), luma, kept;
	double dt = v->last_pts < 0 ? 1 / v->fps : f->pts - v->last_pts;
	int flat_ok = 0;

	memset(m, 0, sizeof(*m));
	m->nzones = (int)v->zmask.size();
	m->contrast = m->sharpness = m->overlap = -1;
	for (int z = 0; z < m->nzones; z++)
		m->zone[z].fire = m->grey ? -1 : 0;
	m->corrupt_frac = broken_blocks(v, f->img, &flat_ok);
	if (f->broken)
		v->suspect_until = f->pts + v->p.event.corrupt_hold;
	if (m->corrupt_frac >= v->p.event.corrupt || f->broken ||
	    f->pts < v->suspect_until) {
		m->corrupt = 1;
		return;		/* nothing learns from a broken frame */
	}
	v->last_pts = f->pts;
	v->nframe++;
	m->grey = is_grey(small);
	cv::cvtColor(small, luma, cv::COLOR_BGR2GRAY);
	m->brightness = (float)cv::mean(luma)[0];
	if (want & THADS_VW_TAMPER)
		tamper(v, luma, f->pts, m);
	if (v->gain_ref.empty()) {
		reset_background(v, small);
	} else if (lighting_step(v, luma)) {
		m->light_change = 1;
		reset_background(v, small);
		v->settle = std::max(1, (int)(v->p.motion.settle * v->fps));
		v->flow_ok = 0;
	}
	if (want & THADS_VW_TAMPER)
		view_changed(v, small, m);
	m->settling = v->settle;
	v->prev_luma = luma.clone();
	gain_compensate(v, small, luma);
	if (v->p.motion.shake && (want & THADS_VW_MOTION))
		unshake(v, small, luma, m, dt);
	if (v->p.motion.shake && (m->shake_x != 0 || m->shake_y != 0))
		cv::cvtColor(small, luma, cv::COLOR_BGR2GRAY);
	if (want & THADS_VW_MOTION)
		kept = motion(v, small, m);
	else
		kept = cv::Mat::zeros(v->ah, v->aw, CV_8U);
	if (v->settle > 0)
		v->settle--;
	for (int z = 0; z < m->nzones; z++)
		m->zone[z].fire = m->grey ? -1 : 0;
	if ((want & THADS_VW_FIRE) && !m->grey)
		fire(v, small, luma, m);
	if (want & THADS_VW_SMOKE) {
		if (m->light_change)
			v->slow.release();
		smoke(v, small, luma, m, m);
	}
	if (want & THADS_VW_FLOW)
		flow(v, luma, kept, f->pts, m);
	if (want & (THADS_VW_PEOPLE | THADS_VW_FULLSCAN))
		people(v, f->img, f->pts, (want & THADS_VW_FULLSCAN) != 0, m);
}

extern "C" int
thads_vis_analyse(struct thads_vis *v, const struct thads_vframe *f,
    unsigned want, struct thads_vmeas *m, struct thads_err *err)
{
	if (f->img.cols != v->W || f->img.rows != v->H)
		return seterr(err, THADS_EUSAGE, "frame size changed from "
		    "%dx%d to %dx%d", v->W, v->H, f->img.cols, f->img.rows);
	return guard(err, "analyse", [&]() {
		analyse(v, f, want, m);
		return 0;
	});
}

/* ---- Annotated video. ---- */

struct thads_vwriter {
	cv::VideoWriter w;
	int	 W, H;
};

extern "C" int
thads_vwriter_open(const char *path, int width, int height, double fps,
    int force, struct thads_vwriter **out, struct thads_err *err)
{
	*out = NULL;
	return guard(err, path, [&]() {
		struct stat st;
		const char *dot = strrchr(path, '.');
		int avi = dot != NULL && strcasecmp(dot, ".avi") == 0;
		int cc = avi ? cv::VideoWriter::fourcc('M', 'J', 'P', 'G') :
		    cv::VideoWriter::fourcc('m', 'p', '4', 'v');

		if (!force && lstat(path, &st) == 0)
			return seterr(err, THADS_ECANTCREAT, "'%s' exists "
			    "(use --force)", path);
		auto w = new thads_vwriter();
		w->W = width;
		w->H = height;
		if (!w->w.open(path, cv::CAP_FFMPEG, cc, fps > 0 ? fps : 25,
		    cv::Size(width, height), true)) {
			delete w;
			return seterr(err, THADS_ECANTCREAT, "cannot write "
			    "video '%s'", path);
		}
		*out = w;
		return 0;
	});
}

static void
draw_poly(cv::Mat &img, const struct thads_vpoly *p, const cv::Scalar &c)
{
	std::vector<cv::Point> pts;

	for (int i = 0; i < p->n; i++)
		pts.emplace_back((int)std::lround(p->pt[2 * i] * img.cols),
		    (int)std::lround(p->pt[2 * i + 1] * img.rows));
	cv::polylines(img, std::vector<std::vector<cv::Point>>{ pts }, true,
	    c, 1, cv::LINE_AA);
}

extern "C" int
thads_vwriter_write(struct thads_vwriter *w, const struct thads_vframe *f,
    const struct thads_vdraw *d, size_t n, struct thads_err *err)
{
	return guard(err, "annotate", [&]() {
		static const cv::Scalar col[] = { cv::Scalar(0, 255, 255),
		    cv::Scalar(128, 128, 128), cv::Scalar(0, 255, 0),
		    cv::Scalar(255, 128, 0), cv::Scalar(0, 0, 255) };
		cv::Mat img = f->img.clone();

		for (size_t i = 0; i < n; i++) {
			const cv::Scalar &c = col[d[i].kind % 5];
			if (d[i].poly != NULL) {
				draw_poly(img, d[i].poly, c);
				continue;
			}
			cv::Rect r = to_rect(d[i].box, img.cols, img.rows);
			cv::rectangle(img, r, c, d[i].kind == THADS_VD_EVENT ?
			    2 : 1);
			if (d[i].label != NULL)
				cv::putText(img, d[i].label, cv::Point(r.x,
				    std::max(12, r.y - 4)),
				    cv::FONT_HERSHEY_SIMPLEX, 0.45, c, 1,
				    cv::LINE_AA);
		}
		if (img.cols != w->W || img.rows != w->H)
			cv::resize(img, img, cv::Size(w->W, w->H));
		w->w.write(img);
		return 0;
	});
}

extern "C" int
thads_vwriter_close(struct thads_vwriter *w, struct thads_err *err)
{
	if (w == NULL)
		return 0;
	return guard(err, "annotate", [&]() {
		w->w.release();
		delete w;
		return 0;
	});
}
