# nbgrader configuration for the course "Calculus for Deep Learning".
#
# `make course` copies this file and course_preprocessors.py into the course folder
# (build/course); nbgrader reads it from the folder it runs in. It adds one preprocessor,
# StripTeacherContent, in front of nbgrader's own for
#
#   nbgrader generate_assignment   (release/: what students get)
#   nbgrader generate_feedback     (feedback/: what students get back)
#
# which removes the teacher's notes (cells tagged `solution-only`) and the stored widget
# state (notebook metadata `widgets`). Everything else is nbgrader's default.
# To use it in a course folder of your own, copy both files there (or merge these lines
# into your nbgrader_config.py and put course_preprocessors.py beside it).
import os
import sys

from nbgrader.converters import GenerateAssignment, GenerateFeedback

_here = os.path.dirname(os.path.abspath(__file__))
if _here not in sys.path:
    sys.path.insert(0, _here)

from course_preprocessors import StripTeacherContent, with_preprocessor  # noqa: E402

c = get_config()  # noqa: F821 - provided by traitlets when nbgrader loads this file

c.CourseDirectory.course_id = "calc-dl"
c.GenerateAssignment.preprocessors = with_preprocessor(GenerateAssignment, StripTeacherContent)
c.GenerateFeedback.preprocessors = with_preprocessor(GenerateFeedback, StripTeacherContent)
