// /auth/login: where Shopify's library sends a request it cannot tie to a shop (a bookmark, an
// expired bounce). `login()` starts OAuth for a valid shop domain (it throws the redirect) and
// otherwise says what is wrong with it; without this route the library's own splat route answered
// such requests with a 500.
import { json, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { AppProvider, Button, Card, FormLayout, Page, Text, TextField } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import polarisEn from "@shopify/polaris/locales/en.json";
import polarisEs from "@shopify/polaris/locales/es.json";
import { useState } from "react";
import { login } from "../shopify.server";
import { localeFrom, messages, t, type Locale } from "../i18n";

async function answer(request: Request) {
  const locale = localeFrom(request);
  const errors = await login(request);
  // Not the initial page load without a shop: then there is nothing to correct yet.
  const shopError = errors.shop && (request.method === "POST" || new URL(request.url).searchParams.has("shop")) ? errors.shop : null;
  return json(
    { locale, error: shopError ? t(locale, `login.error.${shopError}`) : null, strings: messages(locale, "login.") },
    { status: shopError ? 400 : 200 },
  );
}

export const links = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = ({ request }: LoaderFunctionArgs) => answer(request);
export const action = ({ request }: ActionFunctionArgs) => answer(request);

export default function Login() {
  const loaded = useLoaderData<typeof loader>();
  const { locale, strings } = loaded;
  const error = useActionData<typeof action>()?.error ?? loaded.error;
  const [shop, setShop] = useState("");
  return (
    <AppProvider i18n={(locale as Locale) === "es" ? polarisEs : polarisEn}>
      <Page narrowWidth>
        <Card>
          <Form method="post">
            <FormLayout>
              <Text as="h1" variant="headingMd">
                {strings["login.title"]}
              </Text>
              <TextField
                type="text"
                name="shop"
                label={strings["login.shop"]}
                helpText={strings["login.help"]}
                value={shop}
                onChange={setShop}
                autoComplete="on"
                error={error ?? undefined}
              />
              <Button submit>{strings["login.submit"]}</Button>
            </FormLayout>
          </Form>
        </Card>
      </Page>
    </AppProvider>
  );
}
