"""Stars and certificates (星级评定): my standing, applications, approvals, the PDF and public verification."""

from flask.views import MethodView

from server.extensions import auth, limits
from server.extensions.files import FILE, download
from server.extensions.smorest import Blueprint
from server.resources.stars.schemas import (
    ApplicationSchema,
    AwardQuerySchema,
    AwardSchema,
    CertificateCheckSchema,
    RejectionSchema,
    StandingSchema,
    StandingsSchema,
    YearQuerySchema,
)
from server.services.oversight import documents
from server.services.recognition import certificates, stars

blp = Blueprint("stars", __name__, url_prefix="/api/v1", description="Stars and certificates (星级评定)")
auth.register_scope("award_id", "StarAward")


@blp.route("/me/stars")
class MyStars(MethodView):
    @auth.roles(auth.VOLUNTEER)
    @blp.arguments(YearQuerySchema, location="query")
    @blp.response(200, StandingSchema)
    def get(self, query):
        """My hours, stars and next level this year, my national cumulative level and my awards

        The year is the calendar year, or the 12 months up to today (STAR_PERIOD);
        national levels count every credited hour (NATIONAL_STAR_THRESHOLD_HOURS).
        """
        return stars.standing(auth.current_member(), query["year"])


@blp.route("/me/star-applications")
class StarApplications(MethodView):
    @auth.roles(auth.VOLUNTEER)
    @blp.arguments(ApplicationSchema)
    @blp.response(201, AwardSchema)
    def post(self, body):
        """Apply for the star level my hours reach (申请评定); again changes nothing

        The award is listed in the next public notice; the coordinator approves it after
        the objection window.
        """
        me = auth.current_member()
        return stars.award_view(stars.apply(me, body["year"]), me)


@blp.route("/communities/<int:community_id>/stars")
class CommunityStandings(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(YearQuerySchema, location="query")
    @blp.response(200, StandingsSchema)
    def get(self, query, community_id):
        """Every volunteer's hours and stars for the year, beside their national cumulative level

        Most hours first, with the volunteer's award for the year and its status.
        """
        return stars.standings(community_id, query["year"])


@blp.route("/communities/<int:community_id>/star-awards")
class CommunityAwards(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(AwardQuerySchema, location="query")
    @blp.response(200, AwardSchema(many=True))
    def get(self, query, community_id):
        """The community's star awards (filter by year and status)

        Newest first: proposed, approved (with the certificate serial), rejected or
        superseded by a higher level.
        """
        me = auth.current_member()
        found = stars.listing(me, community_id, year=query["year"], status=query["status"])
        return [stars.award_view(a, me) for a in found]


@blp.route("/star-awards/<int:award_id>/approval")
class AwardApproval(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(201, AwardSchema)
    def post(self, award_id):
        """Approve an award and issue its certificate

        Only after the volunteer applied, the award was published in a notice, its
        objection window closed and no objection is open; the hours are checked again.
        """
        me = auth.current_member()
        award = stars.award_for(me, award_id)
        stars.approve(me, award)
        return stars.award_view(stars.award_for(me, award.id), me)


@blp.route("/star-awards/<int:award_id>/rejection")
class AwardRejection(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(RejectionSchema)
    @blp.response(200, AwardSchema)
    def post(self, body, award_id):
        """Reject a proposed award, with the reason

        Only a proposed award; the volunteer cannot apply for that level again this year.
        """
        me = auth.current_member()
        return stars.award_view(stars.reject(me, stars.award_for(me, award_id), body["reason"]), me)


@blp.route("/star-awards/<int:award_id>/certificate")
class AwardCertificate(MethodView):
    @auth.roles(auth.VOLUNTEER, auth.COORDINATOR)
    @blp.response(200, FILE, description="The certificate (PDF, A4 landscape)", content_type=documents.PDF_TYPE)
    def get(self, award_id):
        """Download the certificate of an approved award (its volunteer, coordinators)

        A4 landscape PDF in Chinese with the serial, the verification link and its QR code.
        """
        me = auth.current_member()
        certificate = certificates.certificate_for(me, stars.award_for(me, award_id))
        return download(certificates.pdf(certificate), f"星级志愿者证书-{certificate.serial}.pdf", documents.PDF_TYPE)


@blp.route("/certificates/<string:serial>/verify")
class CertificateVerify(MethodView):
    @auth.public
    @limits.area(limits.CERTIFICATE)
    @blp.response(200, CertificateCheckSchema)
    def get(self, serial):
        """Check a certificate by its serial (public: what the certificate shows, nothing more)

        Name, volunteer number, stars, period, hours, community, issuer and date; 404
        for a serial that was never issued. Serials carry 80 random bits.
        """
        return certificates.verify(serial)
