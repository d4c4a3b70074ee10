"""SMS reminders (短信提醒) of a member: record consent (in the app or at the counter), withdraw it, see it."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint
from server.resources.sms.schemas import SmsConsentSchema, SmsStateSchema
from server.services.people import sms_consent

blp = Blueprint("sms", __name__, url_prefix="/api/v1/members", description="SMS reminders (短信提醒)")


@blp.route("/<int:member_id>/sms")
class MemberSms(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.response(200, SmsStateSchema)
    def get(self, member_id):
        """A member's SMS reminders: consent, phone (masked) and the last texts with their delivery status

        The member, or a coordinator of their community.
        """
        return sms_consent.state(auth.current_member(), auth.scoped_object("member_id"))

    @auth.roles(auth.MEMBER)
    @blp.arguments(SmsConsentSchema)
    @blp.response(200, SmsStateSchema)
    def put(self, body, member_id):
        """Turn SMS reminders on, with recorded consent

        Texts go to members whom WeChat cannot reach (visit reminders, hours credited, updates on
        their requests, a witness request carrying a one-time code). `via=app`: the member in the
        mini-program; `via=counter`: a coordinator of the member's community with a signed paper
        consent form, whose number goes in `form_ref`. Who, when, how and the phone are kept; a new
        phone is a new consent (the old one withdrawn). Repeating the same consent changes nothing.
        """
        body.pop("consent")  # required true by the schema: the agreement itself
        return sms_consent.consent(auth.current_member(), auth.scoped_object("member_id"), **body)

    @auth.roles(auth.MEMBER)
    @blp.response(200, SmsStateSchema)
    def delete(self, member_id):
        """Withdraw consent: no more texts

        The member, or a coordinator of their community; kept with who withdrew it and when.
        Texts already waiting are skipped. Withdrawing again changes nothing.
        """
        return sms_consent.withdraw(auth.current_member(), auth.scoped_object("member_id"))
